from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'context.md.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_context = resolve('context')
    l_0_feature_rows = resolve('feature_rows')
    l_0_currency = resolve('currency')
    l_0_baseline_rows = resolve('baseline_rows')
    l_0_show = l_0_facts = missing
    try:
        t_1 = environment.filters['count']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'count' found.")
    try:
        t_2 = environment.filters['money']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'money' found.")
    try:
        t_3 = environment.filters['ms']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'ms' found.")
    try:
        t_4 = environment.filters['pct']
    except KeyError:
        @internalcode
        def t_4(*unused):
            raise TemplateRuntimeError("No filter named 'pct' found.")
    try:
        t_5 = environment.filters['replace']
    except KeyError:
        @internalcode
        def t_5(*unused):
            raise TemplateRuntimeError("No filter named 'replace' found.")
    try:
        t_6 = environment.filters['value_text']
    except KeyError:
        @internalcode
        def t_6(*unused):
            raise TemplateRuntimeError("No filter named 'value_text' found.")
    pass
    def macro(l_1_row):
        t_7 = []
        if l_1_row is missing:
            l_1_row = undefined("parameter 'row' was not provided", name='row')
        pass
        if (environment.getattr(l_1_row, 'format') == 'pct'):
            pass
            t_7.append(
                str(t_4(environment.getattr(l_1_row, 'value'))),
            )
        elif (environment.getattr(l_1_row, 'format') == 'ms'):
            pass
            t_7.append(
                str(t_3(environment.getattr(l_1_row, 'value'))),
            )
        elif (environment.getattr(l_1_row, 'format') == 'money'):
            pass
            t_7.append(
                str(t_2(environment.getattr(l_1_row, 'value'), (undefined(name='currency') if l_0_currency is missing else l_0_currency))),
            )
        elif (environment.getattr(l_1_row, 'format') == 'count'):
            pass
            t_7.append(
                str(t_1(environment.getattr(l_1_row, 'value'))),
            )
        elif (environment.getattr(l_1_row, 'format') == 'minutes'):
            pass
            t_7.extend((
                str(t_1(environment.getattr(l_1_row, 'value'))),
                ' min',
            ))
        elif (environment.getattr(l_1_row, 'format') == 'yes_no'):
            pass
            t_7.append(
                str(('yes' if environment.getattr(l_1_row, 'value') else 'no')),
            )
        elif (environment.getattr(l_1_row, 'format') == 'PeakWindow'):
            pass
            t_7.extend((
                str(environment.getattr(environment.getattr(l_1_row, 'value'), 'start')),
                '–',
                str(environment.getattr(environment.getattr(l_1_row, 'value'), 'end')),
                ' ',
                str(environment.getattr(environment.getattr(l_1_row, 'value'), 'timezone')),
            ))
        elif (environment.getattr(l_1_row, 'format') == 'Dependency'):
            pass
            t_7.extend((
                str(environment.getattr(environment.getattr(l_1_row, 'value'), 'name')),
                ': ',
                str(environment.getattr(environment.getattr(l_1_row, 'value'), 'status')),
                ' (',
                str(('ready' if environment.getattr(environment.getattr(l_1_row, 'value'), 'ready') else 'not ready')),
                ')',
            ))
        elif (environment.getattr(l_1_row, 'format') == 'ErrorShare'):
            pass
            t_7.extend((
                str(environment.getattr(environment.getattr(l_1_row, 'value'), 'category')),
                ': ',
                str(t_4(environment.getattr(environment.getattr(l_1_row, 'value'), 'share'))),
                ' of errors',
                str((' (expected)' if environment.getattr(environment.getattr(l_1_row, 'value'), 'expected') else '')),
            ))
        else:
            pass
            t_7.append(
                str(environment.getattr(l_1_row, 'value')),
            )
        return concat(t_7)
    context.exported_vars.add('show')
    context.vars['show'] = l_0_show = Macro(environment, macro, 'show', ('row',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_rows):
        t_8 = []
        if l_1_rows is missing:
            l_1_rows = undefined("parameter 'rows' was not provided", name='rows')
        pass
        t_9 = 1
        for l_2_row in l_1_rows:
            _loop_vars = {}
            pass
            t_8.extend((
                '- **',
                str(environment.getattr(l_2_row, 'name')),
                '**: ',
                str(context.call((undefined(name='show') if l_0_show is missing else l_0_show), l_2_row, _loop_vars=_loop_vars)),
                '\n',
            ))
            for l_3_evidence in environment.getattr(l_2_row, 'evidence'):
                _loop_vars = {}
                pass
                t_8.extend((
                    '  - ',
                    str(environment.getattr(l_3_evidence, 'file')),
                    ':',
                    str(environment.getattr(l_3_evidence, 'line')),
                    ' "',
                    str(environment.getattr(l_3_evidence, 'text')),
                    '"\n',
                ))
            l_3_evidence = missing
            t_9 = 0
        l_2_row = missing
        if t_9:
            pass
            t_8.append(
                '- nothing read\n',
            )
        return concat(t_8)
    context.exported_vars.add('facts')
    context.vars['facts'] = l_0_facts = Macro(environment, macro, 'facts', ('rows',), False, False, False, context.eval_ctx.autoescape)
    yield '# Rollout context: '
    yield str(environment.getattr((undefined(name='context') if l_0_context is missing else l_0_context), 'folder'))
    yield '\n\n## Feature (feature-description.md)\n\n'
    yield str(context.call((undefined(name='facts') if l_0_facts is missing else l_0_facts), (undefined(name='feature_rows') if l_0_feature_rows is missing else l_0_feature_rows)))
    yield '\n## Baseline (baseline-metrics.md, amounts in '
    yield str((undefined(name='currency') if l_0_currency is missing else l_0_currency))
    yield ')\n\n'
    yield str(context.call((undefined(name='facts') if l_0_facts is missing else l_0_facts), (undefined(name='baseline_rows') if l_0_baseline_rows is missing else l_0_baseline_rows)))
    yield '\n## Metrics as stated (baseline.metrics)\n\n'
    t_10 = 1
    for l_1_m in environment.getattr((undefined(name='context') if l_0_context is missing else l_0_context), 'metrics'):
        _loop_vars = {}
        pass
        yield '- **'
        yield str(environment.getattr(l_1_m, 'key'))
        yield '** ('
        yield str(environment.getattr(l_1_m, 'kind'))
        yield ', '
        yield str(t_5(context.eval_ctx, environment.getattr(l_1_m, 'direction'), '_', ' '))
        yield '): '
        yield str(t_6(environment.getattr(l_1_m, 'value'), environment.getattr(l_1_m, 'unit')))
        yield ', "'
        yield str(environment.getattr(l_1_m, 'label'))
        yield '"\n'
        for l_2_evidence in environment.getattr(l_1_m, 'evidence'):
            _loop_vars = {}
            pass
            yield '  - '
            yield str(environment.getattr(l_2_evidence, 'file'))
            yield ':'
            yield str(environment.getattr(l_2_evidence, 'line'))
            yield ' "'
            yield str(environment.getattr(l_2_evidence, 'text'))
            yield '"\n'
        l_2_evidence = missing
        t_10 = 0
    l_1_m = missing
    if t_10:
        pass
        yield '- none\n'
    yield '\n## Traffic\n\n'
    if environment.getattr((undefined(name='context') if l_0_context is missing else l_0_context), 'traffic'):
        pass
        yield '- **'
        yield str(environment.getattr(environment.getattr((undefined(name='context') if l_0_context is missing else l_0_context), 'traffic'), 'unit'))
        yield '**: '
        yield str(t_1(environment.getattr(environment.getattr((undefined(name='context') if l_0_context is missing else l_0_context), 'traffic'), 'per_day')))
        yield ' a day ('
        yield str(environment.getattr(environment.getattr((undefined(name='context') if l_0_context is missing else l_0_context), 'traffic'), 'source'))
        yield ')\n'
        for l_1_evidence in environment.getattr(environment.getattr((undefined(name='context') if l_0_context is missing else l_0_context), 'traffic'), 'evidence'):
            _loop_vars = {}
            pass
            yield '  - '
            yield str(environment.getattr(l_1_evidence, 'file'))
            yield ':'
            yield str(environment.getattr(l_1_evidence, 'line'))
            yield ' "'
            yield str(environment.getattr(l_1_evidence, 'text'))
            yield '"\n'
        l_1_evidence = missing
    else:
        pass
        yield '- not stated: stages cannot be sized by traffic\n'
    yield '\n## Recorded and declared (rollout.yaml)\n\n'
    t_11 = 1
    for l_1_line in environment.getattr((undefined(name='context') if l_0_context is missing else l_0_context), 'recorded'):
        _loop_vars = {}
        pass
        yield '- '
        yield str(l_1_line)
        yield '\n'
        t_11 = 0
    l_1_line = missing
    if t_11:
        pass
        yield '- none\n'
    yield '\n## Not understood\n\n'
    t_12 = 1
    for l_1_evidence in environment.getattr((undefined(name='context') if l_0_context is missing else l_0_context), 'not_understood'):
        _loop_vars = {}
        pass
        yield '- '
        yield str(environment.getattr(l_1_evidence, 'file'))
        yield ':'
        yield str(environment.getattr(l_1_evidence, 'line'))
        yield ' "'
        yield str(environment.getattr(l_1_evidence, 'text'))
        yield '": has a number no reader understood; record it with `record_fact` or declare it in rollout.yaml\n'
        t_12 = 0
    l_1_evidence = missing
    if t_12:
        pass
        yield '- nothing: every line with a number was read\n'
    yield '\n## Missing\n\n'
    t_13 = 1
    for l_1_name in environment.getattr((undefined(name='context') if l_0_context is missing else l_0_context), 'missing'):
        _loop_vars = {}
        pass
        yield '- '
        yield str(l_1_name)
        yield '\n'
        t_13 = 0
    l_1_name = missing
    if t_13:
        pass
        yield '- nothing: every expected fact is stated\n'
    yield '\n## Warnings\n\n'
    t_14 = 1
    for l_1_warning in environment.getattr((undefined(name='context') if l_0_context is missing else l_0_context), 'warnings'):
        _loop_vars = {}
        pass
        yield '- '
        yield str(l_1_warning)
        yield '\n'
        t_14 = 0
    l_1_warning = missing
    if t_14:
        pass
        yield '- none\n'

blocks = {}
debug_info = '1=52&2=57&3=62&4=67&5=72&6=77&7=83&8=88&9=97&10=107&11=119&14=124&15=130&16=135&17=140&18=145&24=164&28=166&29=168&31=170&34=173&35=177&36=187&37=191&45=204&46=207&47=213&48=217&56=229&57=233&64=242&65=246&72=259&73=263&80=272&81=276'
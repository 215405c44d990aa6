from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'stages.md.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_plan = resolve('plan')
    l_0_view = resolve('view')
    l_0_standalone = resolve('standalone')
    l_0_noted = resolve('noted')
    l_0_stages = missing
    try:
        t_1 = environment.filters['count']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'count' found.")
    try:
        t_2 = environment.filters['criterion']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'criterion' found.")
    try:
        t_3 = environment.filters['hours']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'hours' found.")
    try:
        t_4 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_4(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    try:
        t_5 = environment.filters['label']
    except KeyError:
        @internalcode
        def t_5(*unused):
            raise TemplateRuntimeError("No filter named 'label' found.")
    try:
        t_6 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_6(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    try:
        t_7 = environment.filters['list']
    except KeyError:
        @internalcode
        def t_7(*unused):
            raise TemplateRuntimeError("No filter named 'list' found.")
    try:
        t_8 = environment.filters['pct']
    except KeyError:
        @internalcode
        def t_8(*unused):
            raise TemplateRuntimeError("No filter named 'pct' found.")
    try:
        t_9 = environment.filters['plural']
    except KeyError:
        @internalcode
        def t_9(*unused):
            raise TemplateRuntimeError("No filter named 'plural' found.")
    try:
        t_10 = environment.filters['selectattr']
    except KeyError:
        @internalcode
        def t_10(*unused):
            raise TemplateRuntimeError("No filter named 'selectattr' found.")
    try:
        t_11 = environment.filters['share']
    except KeyError:
        @internalcode
        def t_11(*unused):
            raise TemplateRuntimeError("No filter named 'share' found.")
    try:
        t_12 = environment.filters['when']
    except KeyError:
        @internalcode
        def t_12(*unused):
            raise TemplateRuntimeError("No filter named 'when' found.")
    pass
    l_0_stages = environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'stages')
    context.vars['stages'] = l_0_stages
    context.exported_vars.add('stages')
    yield '## Rollout stages\n\n'
    yield str(t_9(t_6((undefined(name='stages') if l_0_stages is missing else l_0_stages)), 'stage'))
    yield ' from '
    yield str(t_12(environment.getattr(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'schedule'), 'start')))
    yield ' to '
    yield str(t_12(environment.getattr(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'schedule'), 'end')))
    yield '.\nA stage ends at its gate: advance, hold or roll back.\n"Detects" is the smallest error rate the stage\'s expected '
    yield str(environment.getattr(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'traffic'), 'unit'))
    yield ' reveal (exact binomial test).\n\n| Stage | Traffic | Start | Duration | Audience | Expected '
    yield str(('txns' if (environment.getattr(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'traffic'), 'unit') == 'transactions') else environment.getattr(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'traffic'), 'unit')))
    yield ' | Detects |\n|---|---|---|---|---|---|---|\n'
    for l_1_s in (undefined(name='stages') if l_0_stages is missing else l_0_stages):
        _loop_vars = {}
        pass
        yield '| '
        yield str(environment.getattr(l_1_s, 'number'))
        yield ' | '
        yield str(t_11(environment.getattr(l_1_s, 'traffic_percent')))
        yield ' | '
        yield str(t_12(environment.getattr(l_1_s, 'start')))
        yield ' | '
        yield str(t_3(environment.getattr(l_1_s, 'duration_hours')))
        yield ' | '
        yield str(environment.getattr(l_1_s, 'audience'))
        yield ' | '
        yield str(t_1(environment.getattr(l_1_s, 'expected_transactions')))
        yield ' | '
        yield str(t_8(environment.getattr(l_1_s, 'detectable_error_rate'), 1))
        yield ' |\n'
    l_1_s = missing
    yield '\n'
    for l_1_s in (undefined(name='stages') if l_0_stages is missing else l_0_stages):
        _loop_vars = {}
        pass
        yield '- **Stage '
        yield str(environment.getattr(l_1_s, 'number'))
        yield '**, gate '
        yield str(t_12(environment.getattr(l_1_s, 'end')))
        yield ': '
        yield str((environment.getattr(l_1_s, 'purpose_text') or t_5(environment.getattr(l_1_s, 'purpose'))))
        yield '\n'
    l_1_s = missing
    yield '\nSuccess criteria per gate (all must hold to advance; ✓ = checked at that gate):\n\n| Criterion |'
    for l_1_s in (undefined(name='stages') if l_0_stages is missing else l_0_stages):
        _loop_vars = {}
        pass
        yield ' '
        yield str(environment.getattr(l_1_s, 'number'))
        yield ' |'
    l_1_s = missing
    yield '\n|---|'
    for l_1_s in (undefined(name='stages') if l_0_stages is missing else l_0_stages):
        _loop_vars = {}
        pass
        yield '---|'
    l_1_s = missing
    yield '\n'
    for l_1_row in context.call(environment.getattr((undefined(name='view') if l_0_view is missing else l_0_view), 'gate_matrix'), (undefined(name='stages') if l_0_stages is missing else l_0_stages)):
        _loop_vars = {}
        pass
        yield '| '
        yield str(t_2(environment.getattr(l_1_row, 'threshold')))
        yield ' |'
        for l_2_on in environment.getattr(l_1_row, 'checked'):
            _loop_vars = {}
            pass
            yield ' '
            yield str(('✓' if l_2_on else '–'))
            yield ' |'
        l_2_on = missing
        yield '\n'
    l_1_row = missing
    yield '\n'
    template = environment.get_template('schedule.md.j2', 'stages.md.j2')
    gen = template.root_render_func(template.new_context(context.get_all(), True, {'noted': l_0_noted, 'stages': l_0_stages}))
    try:
        for event in gen:
            yield event
    finally: gen.close()
    if (undefined(name='standalone') if l_0_standalone is missing else l_0_standalone):
        pass
        l_0_noted = t_7(context.eval_ctx, t_10(context, environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'stages'), 'notes'))
        context.vars['noted'] = l_0_noted
        context.exported_vars.add('noted')
        if ((undefined(name='noted') if l_0_noted is missing else l_0_noted) and context.call(environment.getattr((undefined(name='view') if l_0_view is missing else l_0_view), 'any_schedule_notes'), environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'stages'))):
            pass
            yield '\n### Stage notes\n\n'
            def t_13(fiter):
                for l_1_s in fiter:
                    if context.call(environment.getattr((undefined(name='view') if l_0_view is missing else l_0_view), 'schedule_notes'), l_1_s):
                        yield l_1_s
            for l_1_s in t_13(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'stages')):
                _loop_vars = {}
                pass
                yield '- **Stage '
                yield str(environment.getattr(l_1_s, 'number'))
                yield '**: '
                yield str(t_4(context.eval_ctx, context.call(environment.getattr((undefined(name='view') if l_0_view is missing else l_0_view), 'schedule_notes'), l_1_s, _loop_vars=_loop_vars), ' '))
                yield '\n'
            l_1_s = missing
        if environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'warnings'):
            pass
            yield '\n### Warnings\n\n'
            for l_1_line in environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'warnings'):
                _loop_vars = {}
                pass
                yield '- '
                yield str(l_1_line)
                yield '\n'
            l_1_line = missing

blocks = {}
debug_info = '1=88&4=92&6=98&8=100&10=102&11=106&14=122&15=126&20=134&22=142&24=148&25=152&29=164&30=170&31=172&32=175&36=178&37=186&40=191&44=194&45=198'
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'monitoring.md.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_plan = resolve('plan')
    l_0_view = resolve('view')
    l_0_monitoring = l_0_metric_table = l_0_on_call = l_0_window = missing
    try:
        t_1 = environment.filters['condition']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'condition' found.")
    try:
        t_2 = environment.filters['evidence_refs']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'evidence_refs' found.")
    try:
        t_3 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    try:
        t_4 = environment.filters['map']
    except KeyError:
        @internalcode
        def t_4(*unused):
            raise TemplateRuntimeError("No filter named 'map' found.")
    try:
        t_5 = environment.filters['minutes']
    except KeyError:
        @internalcode
        def t_5(*unused):
            raise TemplateRuntimeError("No filter named 'minutes' found.")
    try:
        t_6 = environment.filters['number']
    except KeyError:
        @internalcode
        def t_6(*unused):
            raise TemplateRuntimeError("No filter named 'number' found.")
    try:
        t_7 = environment.filters['when']
    except KeyError:
        @internalcode
        def t_7(*unused):
            raise TemplateRuntimeError("No filter named 'when' found.")
    try:
        t_8 = environment.tests['none']
    except KeyError:
        @internalcode
        def t_8(*unused):
            raise TemplateRuntimeError("No test named 'none' found.")
    pass
    l_0_monitoring = environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'monitoring')
    context.vars['monitoring'] = l_0_monitoring
    context.exported_vars.add('monitoring')
    def macro(l_1_kind):
        t_9 = []
        if l_1_kind is missing:
            l_1_kind = undefined("parameter 'kind' was not provided", name='kind')
        pass
        t_9.append(
            '| Metric | What (split by) | Baseline |\n|---|---|---|\n',
        )
        def t_10(fiter):
            for l_2_m in fiter:
                if (environment.getattr(l_2_m, 'kind') == l_1_kind):
                    yield l_2_m
        for l_2_m in t_10(environment.getattr((undefined(name='monitoring') if l_0_monitoring is missing else l_0_monitoring), 'metrics')):
            l_2_evidence = missing
            _loop_vars = {}
            pass
            l_2_evidence = context.call(environment.getattr(environment.getattr(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'baseline'), 'evidence'), 'get'), environment.getattr(l_2_m, 'name'), [], _loop_vars=_loop_vars)
            _loop_vars['evidence'] = l_2_evidence
            t_9.extend((
                '| `',
                str(environment.getattr(l_2_m, 'name')),
                '` | ',
                str(environment.getattr(l_2_m, 'description')),
            ))
            if environment.getattr(l_2_m, 'split_by'):
                pass
                t_9.extend((
                    ' (by ',
                    str(t_3(context.eval_ctx, t_4(context, environment.getattr(l_2_m, 'split_by'), 'label'), ', ')),
                    ')',
                ))
            t_9.extend((
                ' | ',
                str((context.call(environment.getattr((undefined(name='view') if l_0_view is missing else l_0_view), 'value_text'), environment.getattr(l_2_m, 'baseline'), context.call(environment.getattr((undefined(name='view') if l_0_view is missing else l_0_view), 'unit_of'), environment.getattr(l_2_m, 'name'), _loop_vars=_loop_vars), _loop_vars=_loop_vars) if (not t_8(environment.getattr(l_2_m, 'baseline'))) else 'not stated')),
            ))
            if (undefined(name='evidence') if l_2_evidence is missing else l_2_evidence):
                pass
                t_9.extend((
                    ' (',
                    str(t_2((undefined(name='evidence') if l_2_evidence is missing else l_2_evidence))),
                    ')',
                ))
            t_9.append(
                ' |\n',
            )
        l_2_m = l_2_evidence = missing
        return concat(t_9)
    context.exported_vars.add('metric_table')
    context.vars['metric_table'] = l_0_metric_table = Macro(environment, macro, 'metric_table', ('kind',), False, False, False, context.eval_ctx.autoescape)
    yield '## Monitoring plan\n\n### Technical metrics\n\n'
    yield str(context.call((undefined(name='metric_table') if l_0_metric_table is missing else l_0_metric_table), 'technical'))
    yield '\n### Business metrics\n\n'
    yield str(context.call((undefined(name='metric_table') if l_0_metric_table is missing else l_0_metric_table), 'business'))
    yield '\n### Dashboards\n\n'
    for l_1_d in environment.getattr((undefined(name='monitoring') if l_0_monitoring is missing else l_0_monitoring), 'dashboards'):
        _loop_vars = {}
        pass
        yield '- **'
        yield str(environment.getattr(l_1_d, 'name'))
        yield '**: '
        yield str(t_3(context.eval_ctx, environment.getattr(l_1_d, 'panels'), '; '))
        yield '.\n'
    l_1_d = missing
    yield "\n### Alerts\n\nA CRITICAL on a counted metric is a stage's rollback boundary crossed on cumulative counts (the decision rules of each stage): the engine rolls back on it, the only automatic rollback. A CRITICAL on what counts cannot judge pages the person who rolls back. WARNING is a windowed rate with minimum counts: it pages a person and holds the gate. False pages are expected pages per week on healthy traffic at the busiest stage.\n\n| Severity | Alert | Fires when | Counted as | Window | False pages / week | Then |\n|---|---|---|---|---|---|---|\n"
    for l_1_a in environment.getattr((undefined(name='monitoring') if l_0_monitoring is missing else l_0_monitoring), 'alerts'):
        _loop_vars = {}
        pass
        yield '| '
        yield str(environment.getattr(l_1_a, 'severity'))
        yield ' | `'
        yield str(environment.getattr(l_1_a, 'name'))
        yield '` | '
        yield str(t_1(l_1_a))
        yield ' | '
        yield str(environment.getattr(l_1_a, 'description'))
        yield ' | '
        yield str((t_5(environment.getattr(l_1_a, 'window_minutes')) if environment.getattr(l_1_a, 'window_minutes') else 'cumulative'))
        yield ' | '
        yield str((t_6(environment.getattr(l_1_a, 'false_pages_per_week'), 2) if (not t_8(environment.getattr(l_1_a, 'false_pages_per_week'))) else '–'))
        yield ' | '
        yield str(environment.getattr(l_1_a, 'action'))
        yield ' |\n'
    l_1_a = missing
    yield '\n### On call\n\n'
    l_0_on_call = environment.getattr((undefined(name='monitoring') if l_0_monitoring is missing else l_0_monitoring), 'on_call')
    context.vars['on_call'] = l_0_on_call
    context.exported_vars.add('on_call')
    l_0_window = context.call(environment.getattr((undefined(name='view') if l_0_view is missing else l_0_view), 'on_call_window'), (undefined(name='plan') if l_0_plan is missing else l_0_plan))
    context.vars['window'] = l_0_window
    context.exported_vars.add('window')
    if environment.getattr((undefined(name='on_call') if l_0_on_call is missing else l_0_on_call), 'stages'):
        pass
        yield str(environment.getattr((undefined(name='on_call') if l_0_on_call is missing else l_0_on_call), 'rotation'))
        yield ', dedicated to the rollout during stages '
        yield str(t_3(context.eval_ctx, environment.getattr((undefined(name='on_call') if l_0_on_call is missing else l_0_on_call), 'stages'), ', '))
        if (undefined(name='window') if l_0_window is missing else l_0_window):
            pass
            yield ' ('
            yield str(t_7(environment.getitem((undefined(name='window') if l_0_window is missing else l_0_window), 0)))
            yield ' → '
            yield str(t_7(environment.getitem((undefined(name='window') if l_0_window is missing else l_0_window), 1)))
            yield ')'
        yield '.\n'
    else:
        pass
        yield 'No stage needs a dedicated engineer on call: '
        yield str(environment.getattr((undefined(name='on_call') if l_0_on_call is missing else l_0_on_call), 'rotation'))
        yield ' covers the rollout.\n'
    yield 'A CRITICAL alert is acknowledged within '
    yield str(t_5(environment.getattr((undefined(name='on_call') if l_0_on_call is missing else l_0_on_call), 'response_minutes')))
    yield '. Escalation, in order:\n\n'
    l_1_loop = missing
    for l_1_step, l_1_loop in LoopContext(environment.getattr((undefined(name='on_call') if l_0_on_call is missing else l_0_on_call), 'escalation'), undefined):
        _loop_vars = {}
        pass
        yield str(environment.getattr(l_1_loop, 'index'))
        yield '. '
        yield str(l_1_step)
        yield '\n'
    l_1_loop = l_1_step = missing

blocks = {}
debug_info = '1=62&2=65&5=73&6=81&7=85&14=115&17=117&20=119&21=123&30=129&31=133&36=149&37=152&38=155&39=157&40=160&42=171&44=174&46=177&47=180'
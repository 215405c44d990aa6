from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'detection.md.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_view = resolve('view')
    l_0_plan = resolve('plan')
    l_0_rollback = l_0_summary = missing
    try:
        t_1 = environment.filters['chance']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'chance' found.")
    try:
        t_2 = environment.filters['count']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'count' found.")
    try:
        t_3 = environment.filters['label']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'label' found.")
    try:
        t_4 = environment.filters['number']
    except KeyError:
        @internalcode
        def t_4(*unused):
            raise TemplateRuntimeError("No filter named 'number' found.")
    try:
        t_5 = environment.filters['pct']
    except KeyError:
        @internalcode
        def t_5(*unused):
            raise TemplateRuntimeError("No filter named 'pct' found.")
    try:
        t_6 = environment.filters['rare']
    except KeyError:
        @internalcode
        def t_6(*unused):
            raise TemplateRuntimeError("No filter named 'rare' found.")
    try:
        t_7 = environment.filters['share']
    except KeyError:
        @internalcode
        def t_7(*unused):
            raise TemplateRuntimeError("No filter named 'share' found.")
    try:
        t_8 = environment.tests['defined']
    except KeyError:
        @internalcode
        def t_8(*unused):
            raise TemplateRuntimeError("No test named 'defined' found.")
    try:
        t_9 = environment.tests['none']
    except KeyError:
        @internalcode
        def t_9(*unused):
            raise TemplateRuntimeError("No test named 'none' found.")
    pass
    l_0_rollback = context.call(environment.getattr((undefined(name='view') if l_0_view is missing else l_0_view), 'rollback_error_threshold'), environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'criteria'))
    context.vars['rollback'] = l_0_rollback
    context.exported_vars.add('rollback')
    l_0_summary = environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'decision_summary')
    context.vars['summary'] = l_0_summary
    context.exported_vars.add('summary')
    yield '## What each stage can and cannot detect\n\n| Stage | Traffic | Purpose | Needs | Expects | Detects | Boundary catches '
    yield str((t_5(environment.getattr((undefined(name='rollback') if l_0_rollback is missing else l_0_rollback), 'value')) if (undefined(name='rollback') if l_0_rollback is missing else l_0_rollback) else 'rollback'))
    yield ' |\n|---|---|---|---|---|---|---|\n'
    for l_1_s in environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'stages'):
        _loop_vars = {}
        pass
        yield '| '
        yield str(environment.getattr(l_1_s, 'number'))
        yield ' | '
        yield str(t_7(environment.getattr(l_1_s, 'traffic_percent')))
        yield ' | '
        yield str(t_3(environment.getattr(l_1_s, 'purpose')))
        yield ' | '
        yield str((t_2(environment.getattr(l_1_s, 'required_transactions')) if environment.getattr(l_1_s, 'required_transactions') else '–'))
        yield ' | '
        yield str(t_2(environment.getattr(l_1_s, 'expected_transactions')))
        yield ' | '
        yield str((t_5(environment.getattr(l_1_s, 'detectable_error_rate'), 1) if (not t_9(environment.getattr(l_1_s, 'detectable_error_rate'))) else '– (no error-rate baseline)'))
        yield ' | '
        yield str((t_1(environment.getattr(l_1_s, 'power_at_rollback_threshold')) if (not t_9(environment.getattr(l_1_s, 'power_at_rollback_threshold'))) else '–'))
        yield ' |\n'
    l_1_s = missing
    yield '\nNeeds and Expects count '
    yield str(environment.getattr(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'traffic'), 'unit'))
    yield " on the new path (each stage's purpose is under Rollout stages). Each stage has one decision rule per metric, below: roll back as soon as the count reaches k within the first n "
    yield str(environment.getattr(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'traffic'), 'unit'))
    yield " of the stage (k / n); advance only after the gate's transactions with fewer events than the gate allows.\n"
    if (undefined(name='summary') if l_0_summary is missing else l_0_summary):
        pass
        yield 'Over the whole rollout a healthy change is rolled back by mistake with '
        yield str(t_6(environment.getattr((undefined(name='summary') if l_0_summary is missing else l_0_summary), 'false_rollback')))
        yield ' chance and held with '
        yield str(t_6(environment.getattr((undefined(name='summary') if l_0_summary is missing else l_0_summary), 'false_hold')))
        yield ' ('
        yield str(environment.getattr((undefined(name='summary') if l_0_summary is missing else l_0_summary), 'method'))
        yield ' split of alpha over stages and metrics)'
        if environment.getattr((undefined(name='summary') if l_0_summary is missing else l_0_summary), 'caught_2x_by_stage'):
            pass
            yield '; a '
            yield str(t_4(environment.getattr((undefined(name='summary') if l_0_summary is missing else l_0_summary), 'caught_multiplier')))
            yield 'x error-rate regression is caught with '
            yield str(t_1(environment.getattr(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'statistics'), 'power')))
            yield ' or more by stage '
            yield str(environment.getattr((undefined(name='summary') if l_0_summary is missing else l_0_summary), 'caught_2x_by_stage'))
        yield '.\n'
    l_1_loop = missing
    for l_1_s, l_1_loop in LoopContext(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'stages'), undefined):
        l_1_standalone = resolve('standalone')
        _loop_vars = {}
        pass
        yield '\n### Stage '
        yield str(environment.getattr(l_1_s, 'number'))
        yield ' ('
        yield str(t_7(environment.getattr(l_1_s, 'traffic_percent')))
        yield '): '
        yield str(t_3(environment.getattr(l_1_s, 'purpose')))
        yield '\n\n'
        if (not (undefined(name='standalone') if l_1_standalone is missing else l_1_standalone)):
            pass
            for l_2_note in environment.getattr(l_1_s, 'notes'):
                _loop_vars = {}
                pass
                yield '- '
                yield str(l_2_note)
                yield '\n'
            l_2_note = missing
            if environment.getattr(l_1_s, 'notes'):
                pass
                yield '\n'
        if ((((undefined(name='standalone') if l_1_standalone is missing else l_1_standalone) and environment.getattr(l_1_s, 'decisions')) and t_8(environment.getattr(l_1_loop, 'previtem'))) and (environment.getattr(environment.getattr(l_1_loop, 'previtem'), 'decisions') == environment.getattr(l_1_s, 'decisions'))):
            pass
            yield 'Decision rules: the same as stage '
            yield str(environment.getattr(environment.getattr(l_1_loop, 'previtem'), 'number'))
            yield '.\n'
        elif environment.getattr(l_1_s, 'decisions'):
            pass
            yield '| Metric | Counts | Sized for | Roll back at k / n | Advance after | False rollback | False hold | Power |\n|---|---|---|---|---|---|---|---|\n'
            for l_2_d in environment.getattr(l_1_s, 'decisions'):
                _loop_vars = {}
                pass
                yield '| '
                yield str(environment.getattr(l_2_d, 'label'))
                yield ' | '
                yield str(environment.getattr(l_2_d, 'event'))
                yield ' | '
                yield str(t_5(environment.getattr(l_2_d, 'baseline_rate')))
                yield ' → '
                yield str(t_5(environment.getattr(l_2_d, 'alternative_rate')))
                yield ' | '
                yield str(context.call(environment.getattr((undefined(name='view') if l_0_view is missing else l_0_view), 'boundary_text'), l_2_d, _loop_vars=_loop_vars))
                yield ' | '
                yield str(t_2(environment.getattr(environment.getattr(l_2_d, 'gate'), 'min_transactions')))
                yield ', fewer than '
                yield str(environment.getattr(environment.getattr(l_2_d, 'gate'), 'hold_at_errors'))
                yield ' | '
                yield str(t_6(environment.getattr(l_2_d, 'false_rollback')))
                yield ' | '
                yield str(t_6(environment.getattr(l_2_d, 'false_hold')))
                yield ' | '
                yield str(t_1(environment.getattr(l_2_d, 'power')))
                yield str(('' if environment.getattr(l_2_d, 'exact') else ' (bound)'))
                yield ' |\n'
            l_2_d = missing
        else:
            pass
            yield 'No decision rule for this stage: the documents state no rate to count against.\n'
    l_1_loop = l_1_s = l_1_standalone = missing

blocks = {}
debug_info = '1=68&2=71&5=75&7=77&8=81&11=97&12=101&13=104&15=120&17=125&19=131&20=133&21=137&23=140&27=143&28=146&29=148&32=151&33=155'
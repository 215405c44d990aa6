from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'summary.md.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_plan = resolve('plan')
    l_0_view = resolve('view')
    l_0_feature = l_0_risk = l_0_stated = l_0_rollback = l_0_counted = l_0_success = l_0_paged = l_0_raising = l_0_summary = l_0_change = l_0_unset = missing
    try:
        t_1 = environment.filters['chance']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'chance' found.")
    try:
        t_2 = environment.filters['condition']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'condition' found.")
    try:
        t_3 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    try:
        t_4 = environment.filters['label']
    except KeyError:
        @internalcode
        def t_4(*unused):
            raise TemplateRuntimeError("No filter named 'label' found.")
    try:
        t_5 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_5(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    try:
        t_6 = environment.filters['list']
    except KeyError:
        @internalcode
        def t_6(*unused):
            raise TemplateRuntimeError("No filter named 'list' found.")
    try:
        t_7 = environment.filters['map']
    except KeyError:
        @internalcode
        def t_7(*unused):
            raise TemplateRuntimeError("No filter named 'map' found.")
    try:
        t_8 = environment.filters['minutes']
    except KeyError:
        @internalcode
        def t_8(*unused):
            raise TemplateRuntimeError("No filter named 'minutes' found.")
    try:
        t_9 = environment.filters['number']
    except KeyError:
        @internalcode
        def t_9(*unused):
            raise TemplateRuntimeError("No filter named 'number' found.")
    try:
        t_10 = environment.filters['pct']
    except KeyError:
        @internalcode
        def t_10(*unused):
            raise TemplateRuntimeError("No filter named 'pct' found.")
    try:
        t_11 = environment.filters['plural']
    except KeyError:
        @internalcode
        def t_11(*unused):
            raise TemplateRuntimeError("No filter named 'plural' found.")
    try:
        t_12 = environment.filters['rare']
    except KeyError:
        @internalcode
        def t_12(*unused):
            raise TemplateRuntimeError("No filter named 'rare' found.")
    try:
        t_13 = environment.filters['rejectattr']
    except KeyError:
        @internalcode
        def t_13(*unused):
            raise TemplateRuntimeError("No filter named 'rejectattr' found.")
    try:
        t_14 = environment.filters['selectattr']
    except KeyError:
        @internalcode
        def t_14(*unused):
            raise TemplateRuntimeError("No filter named 'selectattr' found.")
    try:
        t_15 = environment.filters['sentence']
    except KeyError:
        @internalcode
        def t_15(*unused):
            raise TemplateRuntimeError("No filter named 'sentence' found.")
    try:
        t_16 = environment.filters['share']
    except KeyError:
        @internalcode
        def t_16(*unused):
            raise TemplateRuntimeError("No filter named 'share' found.")
    try:
        t_17 = environment.filters['when']
    except KeyError:
        @internalcode
        def t_17(*unused):
            raise TemplateRuntimeError("No filter named 'when' found.")
    try:
        t_18 = environment.tests['none']
    except KeyError:
        @internalcode
        def t_18(*unused):
            raise TemplateRuntimeError("No test named 'none' found.")
    pass
    l_0_feature = environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'feature')
    context.vars['feature'] = l_0_feature
    context.exported_vars.add('feature')
    l_0_risk = environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'risk')
    context.vars['risk'] = l_0_risk
    context.exported_vars.add('risk')
    l_0_stated = t_6(context.eval_ctx, t_7(context, environment.getattr(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'baseline'), 'metrics'), attribute='key'))
    context.vars['stated'] = l_0_stated
    context.exported_vars.add('stated')
    l_0_rollback = context.call(environment.getattr((undefined(name='view') if l_0_view is missing else l_0_view), 'headline'), t_6(context.eval_ctx, t_14(context, t_14(context, environment.getattr(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'criteria'), 'auto_rollback'), 'metric', 'in', (undefined(name='stated') if l_0_stated is missing else l_0_stated)), 'acted_by', 'equalto', 'engine')))
    context.vars['rollback'] = l_0_rollback
    context.exported_vars.add('rollback')
    l_0_counted = t_6(context.eval_ctx, t_7(context, (undefined(name='rollback') if l_0_rollback is missing else l_0_rollback), attribute='metric'))
    context.vars['counted'] = l_0_counted
    context.exported_vars.add('counted')
    l_0_success = context.call(environment.getattr((undefined(name='view') if l_0_view is missing else l_0_view), 'headline'), t_6(context.eval_ctx, t_14(context, environment.getattr(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'criteria'), 'success'), 'metric', 'in', (undefined(name='counted') if l_0_counted is missing else l_0_counted))))
    context.vars['success'] = l_0_success
    context.exported_vars.add('success')
    l_0_paged = context.call(environment.getattr((undefined(name='view') if l_0_view is missing else l_0_view), 'headline'), t_6(context.eval_ctx, t_13(context, environment.getattr(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'criteria'), 'auto_rollback'), 'acted_by', 'equalto', 'engine')))
    context.vars['paged'] = l_0_paged
    context.exported_vars.add('paged')
    yield '## Executive summary\n\n**What changes.** '
    yield str((environment.getattr((undefined(name='feature') if l_0_feature is missing else l_0_feature), 'summary') or environment.getattr((undefined(name='feature') if l_0_feature is missing else l_0_feature), 'name')))
    yield '\n'
    if environment.getattr((undefined(name='feature') if l_0_feature is missing else l_0_feature), 'scope'):
        pass
        yield 'Scope: '
        yield str(environment.getattr((undefined(name='feature') if l_0_feature is missing else l_0_feature), 'scope'))
        yield '.\n'
    if environment.getattr((undefined(name='feature') if l_0_feature is missing else l_0_feature), 'flag'):
        pass
        yield 'Behind the flag `'
        yield str(environment.getattr((undefined(name='feature') if l_0_feature is missing else l_0_feature), 'flag'))
        yield '`'
        if environment.getattr((undefined(name='feature') if l_0_feature is missing else l_0_feature), 'flag_state'):
            pass
            yield ', now '
            yield str(environment.getattr((undefined(name='feature') if l_0_feature is missing else l_0_feature), 'flag_state'))
        yield '.\n'
    else:
        pass
        yield 'No feature flag is named: there is no one-step rollback.\n'
    yield '\n**Why it is risky.** Overall risk **'
    yield str(environment.getattr(environment.getattr((undefined(name='risk') if l_0_risk is missing else l_0_risk), 'overall'), 'value'))
    yield '**: score '
    yield str(environment.getattr((undefined(name='risk') if l_0_risk is missing else l_0_risk), 'score'))
    yield ' on the scale '
    yield str(environment.getattr((undefined(name='risk') if l_0_risk is missing else l_0_risk), 'scale'))
    yield '.\n'
    l_0_raising = context.call(environment.getattr((undefined(name='view') if l_0_view is missing else l_0_view), 'raising'), (undefined(name='risk') if l_0_risk is missing else l_0_risk))
    context.vars['raising'] = l_0_raising
    context.exported_vars.add('raising')
    if (undefined(name='raising') if l_0_raising is missing else l_0_raising):
        pass
        yield 'Raised by '
        l_1_loop = missing
        for l_1_f, l_1_loop in LoopContext((undefined(name='raising') if l_0_raising is missing else l_0_raising), undefined):
            _loop_vars = {}
            pass
            yield str(t_4(environment.getattr(l_1_f, 'name')))
            yield ' '
            yield str(environment.getattr(environment.getattr(l_1_f, 'level'), 'value'))
            yield str((', ' if (not environment.getattr(l_1_loop, 'last')) else cond_expr_undefined("the inline if-expression on line 23 in 'summary.md.j2' evaluated to false and no else section was defined.")))
        l_1_loop = l_1_f = missing
        yield '.\n'
    if (not (undefined(name='raising') if l_0_raising is missing else l_0_raising)):
        pass
        yield 'No factor adds risk points.\n'
    for l_1_f in context.call(environment.getattr((undefined(name='view') if l_0_view is missing else l_0_view), 'lowering'), (undefined(name='risk') if l_0_risk is missing else l_0_risk)):
        _loop_vars = {}
        pass
        yield str(t_15(t_4(environment.getattr(l_1_f, 'name'))))
        yield ' is '
        yield str(environment.getattr(environment.getattr(l_1_f, 'level'), 'value'))
        yield ' and adds no points. '
        yield str(environment.getattr(l_1_f, 'rationale'))
        yield '\n'
    l_1_f = missing
    yield '\n**The plan.** '
    yield str(environment.getattr((undefined(name='risk') if l_0_risk is missing else l_0_risk), 'strategy_rationale'))
    yield '\n'
    yield str(t_11(t_5(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'stages')), 'stage'))
    yield ', '
    l_1_loop = missing
    for l_1_s, l_1_loop in LoopContext(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'stages'), undefined):
        _loop_vars = {}
        pass
        yield str(t_16(environment.getattr(l_1_s, 'traffic_percent')))
        yield str((' → ' if (not environment.getattr(l_1_loop, 'last')) else cond_expr_undefined("the inline if-expression on line 33 in 'summary.md.j2' evaluated to false and no else section was defined.")))
    l_1_loop = l_1_s = missing
    yield ', from '
    yield str(t_17(environment.getattr(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'schedule'), 'start')))
    yield ' to '
    yield str(t_17(environment.getattr(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'schedule'), 'end')))
    yield '; gates only '
    yield str(environment.getattr(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'schedule'), 'gate_hours'))
    yield '.\nStated limits'
    if (undefined(name='success') if l_0_success is missing else l_0_success):
        pass
        yield ' (advance: '
        l_1_loop = missing
        for l_1_t, l_1_loop in LoopContext((undefined(name='success') if l_0_success is missing else l_0_success), undefined):
            _loop_vars = {}
            pass
            yield str(t_2(l_1_t))
            yield str((', ' if (not environment.getattr(l_1_loop, 'last')) else cond_expr_undefined("the inline if-expression on line 35 in 'summary.md.j2' evaluated to false and no else section was defined.")))
        l_1_loop = l_1_t = missing
    if (undefined(name='rollback') if l_0_rollback is missing else l_0_rollback):
        pass
        yield '; roll back: '
        l_1_loop = missing
        for l_1_t, l_1_loop in LoopContext((undefined(name='rollback') if l_0_rollback is missing else l_0_rollback), undefined):
            _loop_vars = {}
            pass
            yield str(t_2(l_1_t))
            yield str((', ' if (not environment.getattr(l_1_loop, 'last')) else cond_expr_undefined("the inline if-expression on line 36 in 'summary.md.j2' evaluated to false and no else section was defined.")))
        l_1_loop = l_1_t = missing
        yield ')'
    elif (undefined(name='success') if l_0_success is missing else l_0_success):
        pass
        yield ')'
    yield ' are judged as count tests, one rule per metric per stage'
    if (undefined(name='paged') if l_0_paged is missing else l_0_paged):
        pass
        yield '; '
        l_1_loop = missing
        for l_1_t, l_1_loop in LoopContext((undefined(name='paged') if l_0_paged is missing else l_0_paged), undefined):
            _loop_vars = {}
            pass
            yield str(t_2(l_1_t))
            yield str((', ' if (not environment.getattr(l_1_loop, 'last')) else cond_expr_undefined("the inline if-expression on line 37 in 'summary.md.j2' evaluated to false and no else section was defined.")))
        l_1_loop = l_1_t = missing
        yield ': a person on the page rolls back'
    if (not t_18(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'expected_recovery_minutes'))):
        pass
        yield '; expected recovery about '
        yield str(t_8(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'expected_recovery_minutes')))
    yield '.\n'
    l_0_summary = environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'decision_summary')
    context.vars['summary'] = l_0_summary
    context.exported_vars.add('summary')
    l_0_change = context.call(environment.getattr((undefined(name='view') if l_0_view is missing else l_0_view), 'change_decision'), (undefined(name='plan') if l_0_plan is missing else l_0_plan))
    context.vars['change'] = l_0_change
    context.exported_vars.add('change')
    if (undefined(name='summary') if l_0_summary is missing else l_0_summary):
        pass
        yield '\n**Decisions.** Healthy rollout: '
        yield str(t_12(environment.getattr((undefined(name='summary') if l_0_summary is missing else l_0_summary), 'false_rollback')))
        yield ' false rollback, '
        yield str(t_12(environment.getattr((undefined(name='summary') if l_0_summary is missing else l_0_summary), 'false_hold')))
        yield ' false hold (limits '
        yield str(t_10(environment.getattr((undefined(name='summary') if l_0_summary is missing else l_0_summary), 'false_rollback_limit')))
        yield ', '
        yield str(t_10(environment.getattr((undefined(name='summary') if l_0_summary is missing else l_0_summary), 'false_hold_limit')))
        yield '; '
        yield str(environment.getattr((undefined(name='summary') if l_0_summary is missing else l_0_summary), 'method'))
        yield ')'
        if environment.getattr((undefined(name='summary') if l_0_summary is missing else l_0_summary), 'caught_2x_by_stage'):
            pass
            yield '; '
            yield str(t_9(environment.getattr((undefined(name='summary') if l_0_summary is missing else l_0_summary), 'caught_multiplier')))
            yield 'x errors caught with '
            yield str(t_1(environment.getattr(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'statistics'), 'power')))
            yield ' by stage '
            yield str(environment.getattr((undefined(name='summary') if l_0_summary is missing else l_0_summary), 'caught_2x_by_stage'))
        yield '.'
        if (undefined(name='change') if l_0_change is missing else l_0_change):
            pass
            yield ' Change-caused errors ('
            yield str(context.call(environment.getattr((undefined(name='view') if l_0_view is missing else l_0_view), 'expected_share'), (undefined(name='plan') if l_0_plan is missing else l_0_plan)))
            yield ' marked expected left out) are gated too: '
            yield str(t_10(environment.getattr((undefined(name='change') if l_0_change is missing else l_0_change), 'baseline_rate')))
            yield ', rollback limit '
            yield str(t_10(environment.getattr((undefined(name='change') if l_0_change is missing else l_0_change), 'rollback_threshold')))
            yield '.'
        yield '\n'
    l_0_unset = context.call(environment.getattr((undefined(name='view') if l_0_view is missing else l_0_view), 'unset'), (undefined(name='plan') if l_0_plan is missing else l_0_plan))
    context.vars['unset'] = l_0_unset
    context.exported_vars.add('unset')
    if (undefined(name='unset') if l_0_unset is missing else l_0_unset):
        pass
        yield str(t_5((undefined(name='unset') if l_0_unset is missing else l_0_unset)))
        yield ' thresholds and alerts are not set for lack of a baseline number (see Warnings and assumptions).\n'
    yield '\n'
    if environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'before_signing'):
        pass
        yield '**Before you sign.** '
        yield str(t_3(context.eval_ctx, environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'before_signing'), ' '))
        yield '\n\n'
    yield '**Worst-case exposure.** '
    yield str((environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'worst_case_exposure') or 'Not stated in the plan.'))
    yield '\n\n**Decision asked for.** Sign-off of this plan by the roles in the sign-off table.\n'
    if environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'next_steps'):
        pass
        yield str(environment.getitem(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'next_steps'), 0))
        yield '\n'

blocks = {}
debug_info = '1=122&2=125&3=128&4=131&5=134&6=137&7=140&10=144&11=146&12=149&14=151&15=154&20=165&21=171&22=174&23=178&25=187&28=190&29=193&32=201&33=203&35=219&36=229&37=244&38=255&39=260&40=263&41=266&43=269&46=298&47=301&48=303&51=306&52=309&55=312&58=314&59=316'
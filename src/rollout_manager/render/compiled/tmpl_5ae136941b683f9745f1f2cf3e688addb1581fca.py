from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'assess.md.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_plan = resolve('plan')
    l_0_view = resolve('view')
    l_0_risk = missing
    try:
        t_1 = environment.filters['evidence_refs']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'evidence_refs' found.")
    try:
        t_2 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    try:
        t_3 = environment.filters['label']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'label' found.")
    try:
        t_4 = environment.filters['list']
    except KeyError:
        @internalcode
        def t_4(*unused):
            raise TemplateRuntimeError("No filter named 'list' found.")
    try:
        t_5 = environment.filters['pct']
    except KeyError:
        @internalcode
        def t_5(*unused):
            raise TemplateRuntimeError("No filter named 'pct' found.")
    try:
        t_6 = environment.filters['selectattr']
    except KeyError:
        @internalcode
        def t_6(*unused):
            raise TemplateRuntimeError("No filter named 'selectattr' found.")
    try:
        t_7 = environment.filters['sentence']
    except KeyError:
        @internalcode
        def t_7(*unused):
            raise TemplateRuntimeError("No filter named 'sentence' found.")
    pass
    l_0_risk = environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'risk')
    context.vars['risk'] = l_0_risk
    context.exported_vars.add('risk')
    yield '## Risk assessment\n\n**Overall: '
    yield str(environment.getattr(environment.getattr((undefined(name='risk') if l_0_risk is missing else l_0_risk), 'overall'), 'value'))
    yield '**, score '
    yield str(environment.getattr((undefined(name='risk') if l_0_risk is missing else l_0_risk), 'score'))
    yield ' on the scale '
    yield str(environment.getattr((undefined(name='risk') if l_0_risk is missing else l_0_risk), 'scale'))
    yield '.\n**Strategy: '
    yield str(t_3(environment.getattr((undefined(name='risk') if l_0_risk is missing else l_0_risk), 'strategy')))
    yield '.** '
    yield str(environment.getattr((undefined(name='risk') if l_0_risk is missing else l_0_risk), 'strategy_rationale'))
    yield '\n\n| Factor | Level | Points | Evidence |\n|---|---|---|---|\n'
    for l_1_f in environment.getattr((undefined(name='risk') if l_0_risk is missing else l_0_risk), 'factors'):
        _loop_vars = {}
        pass
        yield '| '
        yield str(t_7(t_3(environment.getattr(l_1_f, 'name'))))
        yield ' | '
        yield str(environment.getattr(environment.getattr(l_1_f, 'level'), 'value'))
        yield ' | '
        yield str(environment.getattr(l_1_f, 'risk_points'))
        yield ' | '
        yield str((t_1(environment.getattr(l_1_f, 'evidence')) or 'none'))
        yield ' |\n'
    l_1_f = missing
    yield '\n'
    for l_1_f in environment.getattr((undefined(name='risk') if l_0_risk is missing else l_0_risk), 'factors'):
        _loop_vars = {}
        pass
        yield '- **'
        yield str(t_7(t_3(environment.getattr(l_1_f, 'name'))))
        yield ' '
        yield str(environment.getattr(environment.getattr(l_1_f, 'level'), 'value'))
        yield '.** '
        yield str(environment.getattr(l_1_f, 'rationale'))
        yield '\n'
    l_1_f = missing
    if t_4(context.eval_ctx, t_6(context, environment.getattr((undefined(name='risk') if l_0_risk is missing else l_0_risk), 'factors'), 'name', 'equalto', 'reversibility')):
        pass
        yield '\nFor reversibility, HIGH means easy to undo, which lowers the risk; LOW means hard to undo.\n'
    l_1_loop = missing
    for l_1_line, l_1_loop in LoopContext(environment.getattr((undefined(name='risk') if l_0_risk is missing else l_0_risk), 'overrides'), undefined):
        _loop_vars = {}
        pass
        if environment.getattr(l_1_loop, 'first'):
            pass
            yield '\nOverrides of the score:\n\n'
        yield '- '
        yield str(l_1_line)
        yield '\n'
    l_1_loop = l_1_line = missing
    l_1_loop = missing
    for l_1_book, l_1_loop in LoopContext(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'playbooks'), undefined):
        _loop_vars = {}
        pass
        if environment.getattr(l_1_loop, 'first'):
            pass
            yield '\n### Domain playbooks\n\nChosen from the documents; their checklist items and rollback steps are in the gate checklist and the rollback procedure.\n\n'
        yield '- **'
        yield str(environment.getattr(l_1_book, 'title'))
        yield '** ('
        yield str(t_2(context.eval_ctx, environment.getattr(l_1_book, 'cues'), ', '))
        yield '; '
        yield str(t_1(environment.getattr(l_1_book, 'evidence')))
        yield ').\n  Risks: '
        yield str(t_2(context.eval_ctx, environment.getattr(l_1_book, 'risks'), '; '))
        yield '.\n  Watch: '
        yield str(t_2(context.eval_ctx, environment.getattr(l_1_book, 'watch'), '; '))
        yield '.\n'
    l_1_loop = l_1_book = missing
    yield '\n### Baseline\n\n| Metric | Baseline | Evidence |\n|---|---|---|\n'
    for l_1_row in context.call(environment.getattr((undefined(name='view') if l_0_view is missing else l_0_view), 'baseline_rows'), (undefined(name='plan') if l_0_plan is missing else l_0_plan)):
        _loop_vars = {}
        pass
        yield '| `'
        yield str(environment.getattr(l_1_row, 'metric'))
        yield '` | '
        yield str(environment.getattr(l_1_row, 'value'))
        yield ' | '
        yield str(environment.getattr(l_1_row, 'evidence'))
        yield ' |\n'
    l_1_row = missing
    if environment.getattr(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'baseline'), 'error_breakdown'):
        pass
        yield '\nErrors by type: '
        l_1_loop = missing
        for l_1_e, l_1_loop in LoopContext(environment.getattr(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'baseline'), 'error_breakdown'), undefined):
            _loop_vars = {}
            pass
            yield str(environment.getattr(l_1_e, 'category'))
            yield ' '
            yield str(t_5(environment.getattr(l_1_e, 'share')))
            yield str((' (expected)' if environment.getattr(l_1_e, 'expected') else cond_expr_undefined("the inline if-expression on line 50 in 'assess.md.j2' evaluated to false and no else section was defined.")))
            yield str((', ' if (not environment.getattr(l_1_loop, 'last')) else cond_expr_undefined("the inline if-expression on line 50 in 'assess.md.j2' evaluated to false and no else section was defined.")))
        l_1_loop = l_1_e = missing
        yield '.\n'

blocks = {}
debug_info = '1=56&4=60&5=66&9=70&10=74&13=84&14=88&16=95&20=99&21=102&26=106&28=110&29=113&36=117&37=123&38=125&45=129&46=133&48=140&50=144'
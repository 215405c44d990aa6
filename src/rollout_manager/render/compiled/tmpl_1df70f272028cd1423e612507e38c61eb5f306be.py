from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'signoff.md.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_plan = resolve('plan')
    pass
    yield '## Sign-off\n\nDecision: approve, approve with changes, or reject.\n\n| Role | Name | Date | Decision |\n|---|---|---|---|\n'
    for l_1_p in environment.getattr(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'communication'), 'stakeholders'):
        _loop_vars = {}
        pass
        yield '| '
        yield str(environment.getattr(l_1_p, 'role'))
        yield ' | | | |\n'
    l_1_p = missing
    yield '\n## Next steps\n\n'
    l_1_loop = missing
    t_1 = 1
    for l_1_step, l_1_loop in LoopContext(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'next_steps'), undefined):
        _loop_vars = {}
        pass
        yield str(environment.getattr(l_1_loop, 'index'))
        yield '. '
        yield str(l_1_step)
        yield '\n'
        t_1 = 0
    l_1_loop = l_1_step = missing
    if t_1:
        pass
        yield '- None stated.\n'

blocks = {}
debug_info = '7=13&8=17&13=23&14=26'
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'notes.md.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_view = resolve('view')
    l_0_plan = resolve('plan')
    l_0_unset = missing
    pass
    l_0_unset = context.call(environment.getattr((undefined(name='view') if l_0_view is missing else l_0_view), 'unset'), (undefined(name='plan') if l_0_plan is missing else l_0_plan))
    context.vars['unset'] = l_0_unset
    context.exported_vars.add('unset')
    yield '## Warnings and assumptions\n\n### Warnings\n\n'
    t_1 = 1
    for l_1_line in environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'warnings'):
        _loop_vars = {}
        pass
        yield '- '
        yield str(l_1_line)
        yield '\n'
        t_1 = 0
    l_1_line = missing
    if t_1:
        pass
        yield '- None.\n'
    if (undefined(name='unset') if l_0_unset is missing else l_0_unset):
        pass
        yield '\n### Not set\n\nThese criteria and alerts have no threshold until the missing number is stated:\n\n'
        for l_1_line in (undefined(name='unset') if l_0_unset is missing else l_0_unset):
            _loop_vars = {}
            pass
            yield '- '
            yield str(l_1_line)
            yield '\n'
        l_1_line = missing
    yield '\n### Assumptions\n\n'
    t_2 = 1
    for l_1_line in environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'assumptions'):
        _loop_vars = {}
        pass
        yield '- '
        yield str(l_1_line)
        yield '\n'
        t_2 = 0
    l_1_line = missing
    if t_2:
        pass
        yield '- None.\n'

blocks = {}
debug_info = '1=14&6=19&7=23&11=30&17=33&18=37&24=42&25=46'
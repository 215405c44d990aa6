from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'saved.md.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_path = resolve('path')
    l_0_lines = resolve('lines')
    l_0_status = resolve('status')
    l_0_plan = resolve('plan')
    pass
    yield '**Saved `'
    yield str((undefined(name='path') if l_0_path is missing else l_0_path))
    yield '`** ('
    yield str((undefined(name='lines') if l_0_lines is missing else l_0_lines))
    yield ' lines): executive summary, risk, stages and schedule, criteria, what each stage can detect, monitoring, communication, gate checklists, rollback procedure, warnings and assumptions, sign-off, next steps.\n\n**Status:** '
    yield str((undefined(name='status') if l_0_status is missing else l_0_status))
    yield '\n\n'
    template = environment.get_template('summary.md.j2', 'saved.md.j2')
    gen = template.root_render_func(template.new_context(context.get_all(), True, {}))
    try:
        for event in gen:
            yield event
    finally: gen.close()
    if environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'warnings'):
        pass
        yield '\n### Before signing\n\n'
        for l_1_warning in environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'warnings'):
            _loop_vars = {}
            pass
            yield '- '
            yield str(l_1_warning)
            yield '\n'
        l_1_warning = missing

blocks = {}
debug_info = '1=16&3=20&5=22&6=28&10=31&11=35'
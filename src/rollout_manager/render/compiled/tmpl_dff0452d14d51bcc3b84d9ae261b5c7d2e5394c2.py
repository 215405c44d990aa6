from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'comms.md.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_plan = resolve('plan')
    l_0_view = resolve('view')
    l_0_communication = missing
    try:
        t_1 = environment.filters['day']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'day' found.")
    pass
    l_0_communication = environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'communication')
    context.vars['communication'] = l_0_communication
    context.exported_vars.add('communication')
    yield '## Communication plan\n\n| Stakeholder | What they need | When | Channel |\n|---|---|---|---|\n'
    for l_1_p in environment.getattr((undefined(name='communication') if l_0_communication is missing else l_0_communication), 'stakeholders'):
        _loop_vars = {}
        pass
        yield '| '
        yield str(environment.getattr(l_1_p, 'role'))
        yield ' | '
        yield str(environment.getattr(l_1_p, 'needs'))
        yield ' | '
        yield str(environment.getattr(l_1_p, 'when'))
        yield ' | '
        yield str(environment.getattr(l_1_p, 'channel'))
        yield ' |\n'
    l_1_p = missing
    yield '\n### Calendar\n\n| Date | Who hears from the rollout |\n|---|---|\n'
    l_1_loop = missing
    for l_1_d, l_1_loop in LoopContext(context.call(environment.getattr((undefined(name='view') if l_0_view is missing else l_0_view), 'comms_calendar'), environment.getattr((undefined(name='communication') if l_0_communication is missing else l_0_communication), 'stakeholders')), undefined):
        _loop_vars = {}
        pass
        yield '| '
        yield str(t_1(environment.getattr(l_1_d, 'moment')))
        yield ' | '
        l_2_loop = missing
        for l_2_p, l_2_loop in LoopContext(environment.getattr(l_1_d, 'stakeholders'), undefined):
            _loop_vars = {}
            pass
            yield str(environment.getattr(l_2_p, 'role'))
            yield str((', ' if (not environment.getattr(l_2_loop, 'last')) else cond_expr_undefined("the inline if-expression on line 15 in 'comms.md.j2' evaluated to false and no else section was defined.")))
        l_2_loop = l_2_p = missing
        yield ' |\n'
    l_1_loop = l_1_d = missing
    yield '\n### Message templates\n\nWords in braces are filled in when the message is sent.\n'
    for l_1_t in environment.getattr((undefined(name='communication') if l_0_communication is missing else l_0_communication), 'templates'):
        _loop_vars = {}
        pass
        yield '\n#### '
        yield str(context.call(environment.getattr((undefined(name='view') if l_0_view is missing else l_0_view), 'template_title'), environment.getattr(l_1_t, 'name'), _loop_vars=_loop_vars))
        yield '\n\n```text\nSubject: '
        yield str(environment.getattr(l_1_t, 'subject'))
        yield '\n\n'
        yield str(environment.getattr(l_1_t, 'body'))
        yield '\n```\n'
    l_1_t = missing

blocks = {}
debug_info = '1=20&6=24&7=28&14=39&15=43&21=55&23=59&26=61&28=63'
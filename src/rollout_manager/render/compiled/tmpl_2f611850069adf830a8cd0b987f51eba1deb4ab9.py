from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'schedule.md.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_plan = resolve('plan')
    try:
        t_1 = environment.filters['gantt_duration']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'gantt_duration' found.")
    try:
        t_2 = environment.filters['gantt_name']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'gantt_name' found.")
    try:
        t_3 = environment.filters['gantt_time']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'gantt_time' found.")
    try:
        t_4 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_4(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    try:
        t_5 = environment.filters['share']
    except KeyError:
        @internalcode
        def t_5(*unused):
            raise TemplateRuntimeError("No filter named 'share' found.")
    pass
    yield '### Schedule\n\nTimes in '
    yield str(environment.getattr(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'schedule'), 'timezone'))
    yield '. Gates only '
    yield str(environment.getattr(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'schedule'), 'gate_hours'))
    if environment.getattr(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'schedule'), 'peak_windows'):
        pass
        yield ', never in the peak window '
        yield str(t_4(context.eval_ctx, environment.getattr(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'schedule'), 'peak_windows'), ', '))
    yield '.\n'
    if environment.getattr(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'schedule'), 'freezes'):
        pass
        yield 'Freezes honoured: '
        yield str(t_4(context.eval_ctx, environment.getattr(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'schedule'), 'freezes'), '; '))
        yield '.\n'
    yield '\n```mermaid\ngantt\n    title '
    yield str(t_2((environment.getattr(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'feature'), 'flag') or environment.getattr(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'feature'), 'name'))))
    yield ' ramp ('
    yield str(environment.getattr(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'schedule'), 'timezone'))
    yield ')\n    dateFormat YYYY-MM-DD HH:mm\n    axisFormat %b %d\n    section Ramp\n'
    for l_1_s in environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'stages'):
        _loop_vars = {}
        pass
        yield '    Stage '
        yield str(environment.getattr(l_1_s, 'number'))
        yield ' ('
        yield str(t_5(environment.getattr(l_1_s, 'traffic_percent')))
        yield ') :s'
        yield str(environment.getattr(l_1_s, 'number'))
        yield ', '
        yield str(t_3(environment.getattr(l_1_s, 'start')))
        yield ', '
        yield str(t_1(environment.getattr(l_1_s, 'duration_hours')))
        yield '\n'
    l_1_s = missing
    yield '```\n'

blocks = {}
debug_info = '3=43&4=46&5=51&6=54&11=57&15=61&16=65'
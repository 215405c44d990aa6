from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'rollback.md.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_plan = resolve('plan')
    try:
        t_1 = environment.filters['minutes']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'minutes' found.")
    try:
        t_2 = environment.tests['none']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No test named 'none' found.")
    pass
    yield '## Rollback procedure\n\n'
    if (not t_2(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'expected_recovery_minutes'))):
        pass
        yield 'Expected time to recover: about '
        yield str(t_1(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'expected_recovery_minutes')))
        yield ' from the decision to roll back to full recovery.\n'
    else:
        pass
        yield 'Expected time to recover: not stated in the plan.\n'
    if (not t_2(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'irreversible_recovery_minutes'))):
        pass
        yield 'Once the irreversible step has run, the flag is not enough: recovery takes about '
        yield str(t_1(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'irreversible_recovery_minutes')))
        yield ' (restore from backup).\n'
    yield '\n'
    for l_1_step in environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'rollback_procedure'):
        _loop_vars = {}
        pass
        yield str(environment.getattr(l_1_step, 'step'))
        yield '. '
        yield str(environment.getattr(l_1_step, 'action'))
        yield str(('' if context.call(environment.getattr(environment.getattr(l_1_step, 'action'), 'endswith'), '.', _loop_vars=_loop_vars) else '.'))
        yield '\n   Owner: '
        yield str((environment.getattr(l_1_step, 'owner') or 'not named'))
        yield '; '
        yield str((t_1(environment.getattr(l_1_step, 'expected_minutes')) if (not t_2(environment.getattr(l_1_step, 'expected_minutes'))) else 'no time estimate'))
        yield '.\n'
    l_1_step = missing

blocks = {}
debug_info = '3=25&4=28&8=33&9=36&12=39&13=42&14=47'
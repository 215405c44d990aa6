from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'duration.md.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_data = resolve('data')
    l_0_sources = resolve('sources')
    l_0_min_hours = resolve('min_hours')
    l_0_p0 = l_0_p1 = l_0_n = l_0_share = l_0_label = missing
    try:
        t_1 = environment.filters['count']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'count' found.")
    try:
        t_2 = environment.filters['format']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'format' found.")
    try:
        t_3 = environment.filters['hours']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'hours' found.")
    try:
        t_4 = environment.filters['pct']
    except KeyError:
        @internalcode
        def t_4(*unused):
            raise TemplateRuntimeError("No filter named 'pct' found.")
    try:
        t_5 = environment.tests['none']
    except KeyError:
        @internalcode
        def t_5(*unused):
            raise TemplateRuntimeError("No test named 'none' found.")
    pass
    l_0_p0 = environment.getattr((undefined(name='data') if l_0_data is missing else l_0_data), 'baseline_error_rate')
    context.vars['p0'] = l_0_p0
    context.exported_vars.add('p0')
    l_0_p1 = environment.getattr((undefined(name='data') if l_0_data is missing else l_0_data), 'target_error_rate')
    context.vars['p1'] = l_0_p1
    context.exported_vars.add('p1')
    l_0_n = environment.getattr((undefined(name='data') if l_0_data is missing else l_0_data), 'transactions_needed')
    context.vars['n'] = l_0_n
    context.exported_vars.add('n')
    l_0_share = t_2('%g%%', environment.getattr((undefined(name='data') if l_0_data is missing else l_0_data), 'traffic_percent'))
    context.vars['share'] = l_0_share
    context.exported_vars.add('share')
    l_0_label = (t_2('stage %d at %s', environment.getattr((undefined(name='data') if l_0_data is missing else l_0_data), 'stage'), (undefined(name='share') if l_0_share is missing else l_0_share)) if environment.getattr((undefined(name='data') if l_0_data is missing else l_0_data), 'stage') else t_2('a %s stage', (undefined(name='share') if l_0_share is missing else l_0_share)))
    context.vars['label'] = l_0_label
    context.exported_vars.add('label')
    yield '### How long '
    yield str((undefined(name='label') if l_0_label is missing else l_0_label))
    yield ' must run to catch '
    yield str(t_4((undefined(name='p0') if l_0_p0 is missing else l_0_p0)))
    yield ' -> '
    yield str(t_4((undefined(name='p1') if l_0_p1 is missing else l_0_p1)))
    yield ' ('
    yield str(t_2('%.3g', environment.getattr((undefined(name='data') if l_0_data is missing else l_0_data), 'multiplier')))
    yield 'x)\n\n| | |\n|---|---|\n| Transactions needed | '
    yield str(t_1((undefined(name='n') if l_0_n is missing else l_0_n)))
    yield ' (exact one-sided binomial test, alpha '
    yield str(t_2('%g', environment.getattr((undefined(name='data') if l_0_data is missing else l_0_data), 'alpha')))
    yield ': power stays at or above '
    yield str(t_4(environment.getattr((undefined(name='data') if l_0_data is missing else l_0_data), 'power'), 0))
    yield ' from here on) |\n| Run time | '
    yield str(t_3(environment.getattr((undefined(name='data') if l_0_data is missing else l_0_data), 'hours')))
    yield ' ('
    yield str(t_2('%.1f', environment.getattr((undefined(name='data') if l_0_data is missing else l_0_data), 'hours')))
    yield ' h) at '
    yield str((undefined(name='share') if l_0_share is missing else l_0_share))
    yield ' of '
    yield str(t_1(environment.getattr((undefined(name='data') if l_0_data is missing else l_0_data), 'daily_transactions')))
    yield ' a day |\n'
    if ('exact_transactions_needed' in (undefined(name='data') if l_0_data is missing else l_0_data)):
        pass
        yield '| For comparison | normal approximation '
        yield str(t_1(environment.getattr((undefined(name='data') if l_0_data is missing else l_0_data), 'normal_approximation')))
        yield '; the exact test first reaches '
        yield str(t_4(environment.getattr((undefined(name='data') if l_0_data is missing else l_0_data), 'power'), 0))
        yield ' at '
        yield str(t_1(environment.getattr((undefined(name='data') if l_0_data is missing else l_0_data), 'exact_transactions_needed')))
        yield ' but dips below it again later |\n| After '
        yield str(t_1((undefined(name='n') if l_0_n is missing else l_0_n)))
        yield ' transactions | '
        if (not t_5(environment.getattr((undefined(name='data') if l_0_data is missing else l_0_data), 'detectable_error_rate'))):
            pass
            yield 'roll back at '
            yield str(environment.getattr((undefined(name='data') if l_0_data is missing else l_0_data), 'rollback_at_errors'))
            yield ' or more errors; detects '
            yield str(t_4(environment.getattr((undefined(name='data') if l_0_data is missing else l_0_data), 'detectable_error_rate')))
            yield ' or worse with '
            yield str(t_4(environment.getattr((undefined(name='data') if l_0_data is missing else l_0_data), 'power'), 0))
            yield ' power'
        else:
            pass
            yield 'too few to test the error rate'
        yield '; chance to catch '
        yield str(t_4((undefined(name='p1') if l_0_p1 is missing else l_0_p1)))
        yield ': '
        yield str(t_4(environment.getattr((undefined(name='data') if l_0_data is missing else l_0_data), 'power_at_target'), 0))
        yield ' |\n'
    if ('planned' in (undefined(name='data') if l_0_data is missing else l_0_data)):
        pass
        yield '| Planned stage '
        yield str(environment.getattr(environment.getattr((undefined(name='data') if l_0_data is missing else l_0_data), 'planned'), 'number'))
        yield ' | '
        yield str(t_3(environment.getattr(environment.getattr((undefined(name='data') if l_0_data is missing else l_0_data), 'planned'), 'duration_hours')))
        yield ' at '
        yield str(t_2('%g', environment.getattr(environment.getattr((undefined(name='data') if l_0_data is missing else l_0_data), 'planned'), 'traffic_percent')))
        yield '%, about '
        yield str(t_1(environment.getattr(environment.getattr((undefined(name='data') if l_0_data is missing else l_0_data), 'planned'), 'expected_transactions')))
        yield ' transactions |\n'
    yield '\nFormula: '
    yield str(environment.getattr((undefined(name='data') if l_0_data is missing else l_0_data), 'formula'))
    yield '.\nInputs: baseline error rate '
    yield str(t_4((undefined(name='p0') if l_0_p0 is missing else l_0_p0)))
    yield ' ('
    yield str(environment.getitem((undefined(name='sources') if l_0_sources is missing else l_0_sources), 0))
    yield '), daily transactions '
    yield str(t_1(environment.getattr((undefined(name='data') if l_0_data is missing else l_0_data), 'daily_transactions')))
    yield ' ('
    yield str(environment.getitem((undefined(name='sources') if l_0_sources is missing else l_0_sources), 1))
    yield ').\n'
    if (environment.getattr((undefined(name='data') if l_0_data is missing else l_0_data), 'hours') < (undefined(name='min_hours') if l_0_min_hours is missing else l_0_min_hours)):
        pass
        yield 'The plan keeps every stage at least '
        yield str(t_3((undefined(name='min_hours') if l_0_min_hours is missing else l_0_min_hours)))
        yield ' (one daily cycle).\n'
    yield 'This is a what-if: nothing was changed.\n'

blocks = {}
debug_info = '1=45&2=48&3=51&4=54&5=57&6=61&10=69&11=75&12=83&13=86&14=92&16=111&17=114&20=123&21=125&22=133&23=136'
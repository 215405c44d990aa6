from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'criteria.md.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_plan = resolve('plan')
    l_0_standalone = resolve('standalone')
    l_0_thresholds = missing
    try:
        t_1 = environment.filters['criterion']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'criterion' found.")
    try:
        t_2 = environment.filters['list']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'list' found.")
    try:
        t_3 = environment.filters['selectattr']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'selectattr' found.")
    try:
        t_4 = environment.filters['who_rolls_back']
    except KeyError:
        @internalcode
        def t_4(*unused):
            raise TemplateRuntimeError("No filter named 'who_rolls_back' found.")
    pass
    def macro(l_1_items):
        t_5 = []
        l_1_view = resolve('view')
        l_1_common = missing
        if l_1_items is missing:
            l_1_items = undefined("parameter 'items' was not provided", name='items')
        pass
        l_1_common = context.call(environment.getattr((undefined(name='view') if l_1_view is missing else l_1_view), 'common_basis'), l_1_items)
        if (undefined(name='common') if l_1_common is missing else l_1_common):
            pass
            for l_2_t in l_1_items:
                _loop_vars = {}
                pass
                t_5.extend((
                    '- ',
                    str(t_1(l_2_t)),
                    '\n',
                ))
            l_2_t = missing
            t_5.extend((
                '\nBasis: ',
                str((undefined(name='common') if l_1_common is missing else l_1_common)),
                '.\n',
            ))
        else:
            pass
            t_5.append(
                '| Condition | Basis |\n|---|---|\n',
            )
            for l_2_t in l_1_items:
                _loop_vars = {}
                pass
                t_5.extend((
                    '| ',
                    str(environment.getattr(l_2_t, 'description')),
                    ' | ',
                    str(context.call(environment.getattr((undefined(name='view') if l_1_view is missing else l_1_view), 'basis'), l_2_t, (undefined(name='plan') if l_0_plan is missing else l_0_plan), _loop_vars=_loop_vars)),
                    ' |\n',
                ))
            l_2_t = missing
        return concat(t_5)
    context.exported_vars.add('thresholds')
    context.vars['thresholds'] = l_0_thresholds = Macro(environment, macro, 'thresholds', ('items',), False, False, False, context.eval_ctx.autoescape)
    yield '## Success and rollback criteria\n\n### Success: all must pass to advance\n\n'
    yield str(context.call((undefined(name='thresholds') if l_0_thresholds is missing else l_0_thresholds), environment.getattr(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'criteria'), 'success')))
    yield '\nStages add a criterion once they see enough traffic to measure it (see the stage table).\n\n### Rollback triggers: any one rolls back at once\n\nEach says who executes it: the engine runs the exported rollback boundary (see Execution); a person paged rolls back the rest, which no engine executes.\n\n'
    for l_1_actor in ['engine', 'on_call', 'incident_commander']:
        l_1_group = missing
        _loop_vars = {}
        pass
        l_1_group = t_2(context.eval_ctx, t_3(context, environment.getattr(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'criteria'), 'auto_rollback'), 'acted_by', 'equalto', l_1_actor))
        _loop_vars['group'] = l_1_group
        if (undefined(name='group') if l_1_group is missing else l_1_group):
            pass
            yield 'Rolled back by '
            yield str(t_4(l_1_actor))
            yield ':\n\n'
            yield str(context.call((undefined(name='thresholds') if l_0_thresholds is missing else l_0_thresholds), (undefined(name='group') if l_1_group is missing else l_1_group), _loop_vars=_loop_vars))
            yield '\n'
    l_1_actor = l_1_group = missing
    yield '### Manual rollback: a person decides\n\n'
    yield str(context.call((undefined(name='thresholds') if l_0_thresholds is missing else l_0_thresholds), environment.getattr(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'criteria'), 'manual_rollback')))
    if (undefined(name='standalone') if l_0_standalone is missing else l_0_standalone):
        pass
        yield '\n'
        template = environment.get_template('detection.md.j2', 'criteria.md.j2')
        gen = template.root_render_func(template.new_context(context.get_all(), True, {'thresholds': l_0_thresholds}))
        try:
            for event in gen:
                yield event
        finally: gen.close()

blocks = {}
debug_info = '1=38&2=45&3=46&4=48&5=53&8=59&12=67&13=72&21=82&28=84&29=88&30=90&31=93&33=95&38=99&39=100&41=103'
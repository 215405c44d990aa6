from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'checklist.md.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_plan = resolve('plan')
    pass
    yield '## Stage gate checklist\n\nTick every box before the gate; an unticked box holds the stage.\n'
    for l_1_gate in environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'gate_checklist'):
        _loop_vars = {}
        pass
        yield '\n### Stage '
        yield str(environment.getattr(l_1_gate, 'stage'))
        yield ': '
        yield str((environment.getattr(l_1_gate, 'title') or ('Before stage 1' if (environment.getattr(l_1_gate, 'stage') == 0) else str_join(('Leave stage ', environment.getattr(l_1_gate, 'stage'), )))))
        yield '\n\n'
        for l_2_item in environment.getattr(l_1_gate, 'items'):
            _loop_vars = {}
            pass
            yield '- [ ] '
            yield str(l_2_item)
            yield '\n'
        l_2_item = missing
    l_1_gate = missing

blocks = {}
debug_info = '4=13&6=17&8=21&9=25'
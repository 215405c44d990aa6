from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'execution.md.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_execution_view = resolve('execution_view')
    l_0_plan = resolve('plan')
    l_0_execution = missing
    pass
    l_0_execution = context.call((undefined(name='execution_view') if l_0_execution_view is missing else l_0_execution_view), (undefined(name='plan') if l_0_plan is missing else l_0_plan))
    context.vars['execution'] = l_0_execution
    context.exported_vars.add('execution')
    yield "## Execution\n\n`rollout export --to all` writes the plan as the engines' own files, one folder per engine: `prometheus/` (`"
    yield str(environment.getattr((undefined(name='execution') if l_0_execution is missing else l_0_execution), 'recording_file'))
    yield '` and one rule file per stage, each with its `promtool test rules` file), `argo/` (`rollout.yaml`, `analysis-templates.yaml`), `flagger/` (`canary.yaml`, `metric-templates.yaml`), `flagd/` (one flags file per stage). They encode the rules above; none states a threshold of its own.\n\n| Rule | Prometheus | Argo Rollouts | Flagger | flagd |\n|---|---|---|---|---|\n'
    for l_1_row in environment.getattr((undefined(name='execution') if l_0_execution is missing else l_0_execution), 'rows'):
        _loop_vars = {}
        pass
        yield '| '
        yield str(environment.getattr(l_1_row, 'rule'))
        yield ' | '
        yield str(environment.getattr(l_1_row, 'prometheus'))
        yield ' | '
        yield str(environment.getattr(l_1_row, 'argo'))
        yield ' | '
        yield str(environment.getattr(l_1_row, 'flagger'))
        yield ' | '
        yield str(environment.getattr(l_1_row, 'flagd'))
        yield ' |\n'
    l_1_row = missing
    yield '\nWhat the engines cannot express:\n\n'
    for l_1_line in environment.getattr((undefined(name='execution') if l_0_execution is missing else l_0_execution), 'limits'):
        _loop_vars = {}
        pass
        yield '- '
        yield str(l_1_line)
        yield '\n'
    l_1_line = missing

blocks = {}
debug_info = '1=14&4=18&8=20&9=24&14=36&15=40'
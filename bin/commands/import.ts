/**
 * `relsim import <manifests…|-> --model M [-o F] [--strict]`: Kubernetes manifests plus a
 * partial scenario → a complete scenario file, each generated field commented with its
 * source (scenarios/manifests/). The result is checked as a scenario before it is written,
 * so a written file always loads. Exit 0, or 2 for bad input.
 */
import type { CommandModule } from 'yargs';
import { parseScenario } from '../../scenarios/load.ts';
import { importToYaml } from '../load-scenario.ts';
import { outputs } from '../output.ts';

interface ImportArgs {
  manifests: string[];
  model: string;
  output?: string;
  strict: boolean;
}

export const importCommand: CommandModule<object, ImportArgs> = {
  command: 'import <manifests..>',
  describe: 'Turn Kubernetes manifests (Deployment, Argo Rollout, Service, AnalysisTemplate, …) and a partial scenario into a scenario',
  builder: (y) => y
    .positional('manifests', { type: 'string', array: true, demandOption: true, describe: 'manifest files, multi-document YAML (- = stdin)' })
    .option('model', { type: 'string', demandOption: true, requiresArg: true, describe: 'partial scenario: traffic, service times, calls, registry, client policies, SLO' })
    .option('output', { alias: 'o', type: 'string', requiresArg: true, describe: 'write the scenario here (default: stdout)' })
    .option('strict', { type: 'boolean', default: false, describe: 'a manifest field relsim cannot model is an error, not a warning' })
    .example('$0 import scenarios/examples/manifests/argo-canary/manifests.yaml --model scenarios/examples/manifests/argo-canary/model.yaml', 'print the scenario')
    .example('helm template ./chart | $0 import - --model model.yaml -o scenario.yaml', 'from a chart')
    .example('$0 compare rollout.yaml --model model.yaml', 'or skip the file: run, compare and gate take --model too')
    .epilogue('Manifests decide replicas, probes, lifecycle, grace period, strategy and routing; the model the rest. ' +
      'A field set in both is taken from the manifest, with a warning. docs/manifests.md lists what each kind maps to.') as never,
  handler: (args) => {
    const out = outputs({ output: args.output });
    const { yaml, label } = importToYaml(args.manifests, { model: args.model, strict: args.strict });
    // Checked as a scenario first: a written file always loads.
    parseScenario(yaml, label);
    if (args.output === undefined) process.stdout.write(yaml);
    else out.write('output', yaml);
  },
};

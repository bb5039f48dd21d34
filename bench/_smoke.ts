import { runSampleCli } from './sample-cli.ts';
import { convBackends } from './backends.ts';
const { backends } = convBackends(['reference']);
const r = await runSampleCli({ names: 200, trainSteps: 40, torchLoopS: 20, torch: true, backend: backends[0], log: (l) => console.error(l) });
console.log(JSON.stringify(r, null, 1));

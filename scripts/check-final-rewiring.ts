// A check behind the README's discussion of the ablation: does one more rewiring after the last epoch
// (30% fresh zero-weight links in the final model, as a loop that rewires after every epoch leaves
// them) change the removal figures? Compares each model file as saved with the same model rewired
// once more: `npx tsx scripts/check-final-rewiring.ts results/mnist/models/set-seed1.json …`
import { readFileSync } from 'node:fs';
import { parseModelFile } from '../src/engine/modelFile';
import { createSparseCpuPath } from '../src/engine/sparseCpu';
import { loadSplitNode } from '../src/data/loadNode';
import { rewireNetwork } from '../src/engine/rewire';
import { cloneNetwork } from '../src/engine/init';
import { createRng } from '../src/engine/rng';
import { sweep } from '../src/engine/robustness';
const test = await loadSplitNode('mnist', 'test');
const path = createSparseCpuPath();
const rows: string[] = [];
for (const f of process.argv.slice(2)) {
  const r = parseModelFile(readFileSync(f), f);
  if (!r.ok) throw new Error(r.error);
  const variants: Array<[string, typeof r.model.state]> = [['as saved', r.model.state]];
  if (r.model.config.strategy !== 'static') {
    const again = cloneNetwork(r.model.state);
    rewireNetwork(again, { ...r.model.config, epochs: r.model.config.epochs + 1 }, r.model.config.epochs, createRng(999));
    variants.push(['+1 rewiring', again]);
  }
  for (const [name, state] of variants) {
    const pts = await sweep(path, state, test, { kind: 'removal', levels: [0, 0.1, 0.3, 0.5], repeats: 20, seed: 101 });
    rows.push(`${f.split('/').pop()} | ${name} | ${pts!.map((p) => `${p.mean.toFixed(3)}±${p.std.toFixed(3)}`).join(' | ')}`);
    console.log(rows.at(-1));
  }
}

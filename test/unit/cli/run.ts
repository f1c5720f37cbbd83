import { main } from '../../../src/cli/main';

/** Runs the CLI in-process; returns exit code, stdout and stderr. */
export async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, (s) => (out += s), (s) => (err += s.endsWith('\n') ? s : `${s}\n`));
  return { code, out, err };
}

export const DOUBLE = 'import torch.nn.functional as F\nloss = F.cross_entropy(F.softmax(z, dim=1), y)\n';

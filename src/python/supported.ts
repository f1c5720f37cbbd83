import './calls';
import { registeredNames } from './calls/registry';

/** docs/supported.md: every function and class the evaluator knows, by framework. */
export function supportedMarkdown(): string {
  const { functions, classes } = registeredNames();
  const groups: [string, RegExp][] = [
    ['TensorFlow (`tf.*`, `tf.nn.*`, `tf.math.*`; TF 1 and `tf.compat.v1` spellings map here)', /^tensorflow\.(?!compat\.v1\.losses)/],
    ['tf.compat.v1.losses (TF 1 `tf.losses.*`, `tf.contrib.losses.*`)', /^tensorflow\.compat\.v1\.losses\./],
    ['Keras 3 (`keras.*`, `tf.keras.*`)', /^keras\./],
    ['PyTorch (`torch.*`, `torch.nn.functional` as `F`, `torch.nn`)', /^torch\./],
    ['optax', /^optax\./],
    ['NumPy', /^numpy\./],
    ['JAX (`jax.numpy` as `jnp`, `jax.nn`, `jax.scipy.special`)', /^jax\./],
    ['SciPy', /^scipy\./],
  ];
  const lines = [
    '# What Loss Lens evaluates',
    '',
    'Generated from the evaluator\'s registry by `npm run docs:supported`; a unit test keeps it current.',
    'Each entry takes its framework\'s own argument names, order and defaults; see',
    '[numerics.md](numerics.md) for the formulas and the semantics each follows.',
    '',
    'Also evaluated: Python number/list/tuple literals, `float(\'nan\')`/`float(\'inf\')`, `math.inf`,',
    '`np.nan`, `np.inf`, `+ - * / ** @` with NumPy broadcasting, tensor methods (`.sum(axis|dim)`,',
    '`.mean`, `.max`, `.argmax`, `.log`, `.exp`, `.sigmoid`, `.softmax(dim)`, `.log_softmax(dim)`, `.reshape`,',
    '`.float()`, `.double()`, `.long()`, `.astype`, `.numpy()`, `.T`, `.shape`), `x.eval(feed_dict)` and',
    '`sess.run(x, feed_dict=...)`.',
    '',
    'Wrappers that keep values: `jax.jit(f)`, `torch.compile(f)` and `tf.function(f)` of a function listed',
    'here evaluate as `f`; `jax.vmap(f)` over the leading (batch) axis as `f` for optax losses and',
    '`jax.nn` activations (their batched call is the same); `functools.partial(f, *args, **kwargs)` binds',
    'arguments ahead of the call. An unknown function of an ML library applied to a known tensor is',
    'reported with its reason rather than skipped.',
    '',
  ];
  for (const [title, re] of groups) {
    const f = functions.filter((n) => re.test(n));
    const c = classes.filter((n) => re.test(n));
    if (!f.length && !c.length) continue;
    lines.push(`## ${title}`, '');
    if (f.length) lines.push(`Functions: ${f.map((n) => `\`${n}\``).join(', ')}`, '');
    if (c.length) lines.push(`Classes (constructed, then called): ${c.map((n) => `\`${n}\``).join(', ')}`, '');
  }
  return `${lines.join('\n')}\n`;
}

import { strict as assert } from 'assert';
import { applyEdits, check } from '../../helpers/parser';

const ds = async (src: string) => (await check(src)).filter((f) => f.rule === 'double-softmax');
const lines = (...l: string[]) => `${l.join('\n')}\n`;

/** Applies a fix and checks that double-softmax no longer fires. */
async function applyAndRecheck(src: string, edits: { start: number; end: number; newText: string }[]): Promise<string> {
  const out = applyEdits(src, edits);
  assert.equal((await ds(out)).length, 0, `still fires after the fix:\n${out}`);
  return out;
}

describe('rule double-softmax (LL101): Keras softmax head compiled with from_logits=True', () => {
  it('Sequential list ending in Dense(activation="softmax"): two fixes, from_logits=False preferred', async () => {
    const src = lines(
      'from tensorflow import keras',
      'model = keras.Sequential([',
      '    keras.layers.Dense(128, activation="relu"),',
      '    keras.layers.Dense(10, activation="softmax"),',
      '])',
      'model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))',
    );
    const [f] = await ds(src);
    assert.equal(f.code, 'LL101');
    assert.equal(src.slice(f.start, f.end), 'keras.losses.SparseCategoricalCrossentropy(from_logits=True)');
    assert.equal(src.slice(f.related[0].start, f.related[0].end), '"softmax"');
    assert.match(f.message, /keras\.layers\.Dense\(10, activation="softmax"\) \(line 4\) applies softmax/);
    assert.match(f.message, /With 10 classes the loss cannot fall below log\(1 \+ 9\/e\) = 1\.461/);
    assert.equal(f.fixes.length, 2);
    assert.ok(f.fixes[0].preferred && !f.fixes[1].preferred);
    const a = await applyAndRecheck(src, f.fixes[0].edits);
    assert.match(a, /SparseCategoricalCrossentropy\(from_logits=False\)/);
    const b = await applyAndRecheck(src, f.fixes[1].edits);
    assert.match(b, /keras\.layers\.Dense\(10, activation=None\),/);
  });

  it('model.add sequence ending in Softmax(), loss object bound to a name; removing the layer deletes its line', async () => {
    const src = lines(
      'import tensorflow as tf',
      'model = tf.keras.models.Sequential()',
      'model.add(tf.keras.layers.Dense(10))',
      'model.add(tf.keras.layers.Softmax())',
      'loss_fn = tf.keras.losses.CategoricalCrossentropy(from_logits=True)',
      'model.compile("adam", loss_fn)',
    );
    const [f] = await ds(src);
    assert.equal(src.slice(f.start, f.end), 'loss_fn');
    assert.equal(src.slice(f.related[0].start, f.related[0].end), 'tf.keras.layers.Softmax()');
    const a = await applyAndRecheck(src, f.fixes[0].edits);
    assert.equal(a.split('\n')[4], 'loss_fn = tf.keras.losses.CategoricalCrossentropy(from_logits=False)');
    const b = await applyAndRecheck(src, f.fixes[1].edits);
    assert.equal(b, src.replace('model.add(tf.keras.layers.Softmax())\n', ''));
  });

  it('Activation("softmax") as the last list element, activation=tf.nn.softmax, positional from_logits', async () => {
    const src = lines(
      'import keras',
      'import tensorflow as tf',
      'm = keras.Sequential([keras.layers.Dense(3), keras.layers.Activation("softmax")])',
      'm.compile(loss=keras.losses.CategoricalCrossentropy(True))',
      'n = keras.Sequential([keras.layers.Dense(4, activation=tf.nn.softmax)])',
      'n.compile(loss=keras.losses.CategoricalCrossentropy(from_logits=True))',
    );
    const f = await ds(src);
    assert.equal(f.length, 2);
    const b = applyEdits(src, f[0].fixes[1].edits);
    assert.equal(b.split('\n')[2], 'm = keras.Sequential([keras.layers.Dense(3)])');
    assert.equal((await ds(b)).length, 1); // n's finding remains
    assert.equal(applyEdits(src, f[0].fixes[0].edits).split('\n')[3], 'm.compile(loss=keras.losses.CategoricalCrossentropy(False))');
    assert.equal(applyEdits(src, f[1].fixes[1].edits).split('\n')[4], 'n = keras.Sequential([keras.layers.Dense(4, activation=None)])');
  });

  it('functional keras.Model: a softmax layer or tf.nn.softmax on the outputs', async () => {
    const src = lines(
      'import tensorflow as tf',
      'from tensorflow.keras import layers, Model, Input',
      'inp = Input(shape=(8,))',
      'z = layers.Dense(5)(inp)',
      'out = layers.Softmax()(z)',
      'model = Model(inputs=inp, outputs=out)',
      'model.compile(loss=tf.keras.losses.CategoricalCrossentropy(from_logits=True))',
      'out2 = tf.nn.softmax(z)',
      'model2 = Model(inp, out2)',
      'model2.compile(loss=tf.keras.losses.CategoricalCrossentropy(from_logits=True))',
    );
    const f = await ds(src);
    assert.equal(f.length, 2);
    assert.equal(applyEdits(src, f[0].fixes[1].edits).split('\n')[4], 'out = z');
    assert.equal(applyEdits(src, f[1].fixes[1].edits).split('\n')[7], 'out2 = z');
    for (const x of f) for (const fix of x.fixes) await applyAndRecheck(src, [...fix.edits, ...f.filter((y) => y !== x).flatMap((y) => y.fixes[0].edits)]);
  });

  it('near misses stay silent', async () => {
    const silent = [
      // softmax head with from_logits=False or the default, or a string loss
      'from tensorflow import keras\nm = keras.Sequential([keras.layers.Dense(10, activation="softmax")])\nm.compile(loss=keras.losses.CategoricalCrossentropy(from_logits=False))\n',
      'from tensorflow import keras\nm = keras.Sequential([keras.layers.Dense(10, activation="softmax")])\nm.compile(loss=keras.losses.CategoricalCrossentropy())\n',
      'from tensorflow import keras\nm = keras.Sequential([keras.layers.Dense(10, activation="softmax")])\nm.compile(loss="sparse_categorical_crossentropy")\n',
      // logits head with from_logits=True: correct
      'from tensorflow import keras\nm = keras.Sequential([keras.layers.Dense(10)])\nm.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))\n',
      // softmax in a hidden layer only
      'from tensorflow import keras\nm = keras.Sequential([keras.layers.Dense(10, activation="softmax"), keras.layers.Dense(3)])\nm.compile(loss=keras.losses.CategoricalCrossentropy(from_logits=True))\n',
      // the softmax layer was added to another model
      'from tensorflow import keras\na = keras.Sequential()\nb = keras.Sequential()\na.add(keras.layers.Dense(3))\nb.add(keras.layers.Softmax())\na.compile(loss=keras.losses.CategoricalCrossentropy(from_logits=True))\n',
      // sigmoid head with BinaryCrossentropy(from_logits=True) is double-sigmoid, not double-softmax
      'from tensorflow import keras\nm = keras.Sequential([keras.layers.Dense(1, activation="sigmoid")])\nm.compile(loss=keras.losses.BinaryCrossentropy(from_logits=True))\n',
    ];
    for (const s of silent) assert.equal((await ds(s)).length, 0, s);
  });
});

import { strict as assert } from 'assert';
import { BoundedLog, RevealAllowList } from '../../../webview/allow_list';

describe('panel reveal allow-list and message logs', () => {
  it('allows exactly the (uri, line) pairs the host recorded', () => {
    const a = new RevealAllowList();
    a.add('file:///w/a.py', 3);
    assert.equal(a.allows('file:///w/a.py', 3), true);
    assert.equal(a.allows('file:///w/a.py', 4), false, 'another line of a sent document');
    assert.equal(a.allows('file:///etc/passwd', 3), false, 'a document never sent');
    assert.equal(a.allows('file:///w/a.py\u00003', 3), false);
    // a key made of another pair's parts does not collide
    a.add('x', 12);
    assert.equal(a.allows('x', 1), false);
  });

  it('forgets the oldest locations beyond its capacity; re-adding refreshes one', () => {
    const a = new RevealAllowList(3);
    a.add('u1', 1);
    a.add('u2', 1);
    a.add('u3', 1);
    a.add('u1', 1); // u1 is now the newest
    a.add('u4', 1);
    assert.equal(a.size, 3);
    assert.equal(a.allows('u2', 1), false);
    for (const u of ['u1', 'u3', 'u4']) assert.equal(a.allows(u, 1), true, u);
  });

  it('the message log keeps the newest entries only, in order', () => {
    const log = new BoundedLog<number>(5);
    for (let i = 0; i < 1000; i++) log.push(i);
    assert.deepEqual(log.toArray(), [995, 996, 997, 998, 999]);
    const small = new BoundedLog<number>(5);
    small.push(1);
    small.push(2);
    assert.deepEqual(small.toArray(), [1, 2]);
    const copy = small.toArray();
    copy.push(9);
    assert.deepEqual(small.toArray(), [1, 2], 'a copy');
  });

  it('memory stays bounded: the backing array never exceeds twice the capacity', () => {
    const log = new BoundedLog<number>(10);
    for (let i = 0; i < 10_000; i++) {
      log.push(i);
      assert.ok((log as unknown as { items: number[] }).items.length <= 20);
    }
  });
});

// bench:instructions reads callgrind's dumps itself: a function's own instructions go to the part its
// object and name say, a call's inclusive cost (the line after `calls=`) is not the caller's own, and
// compressed names ("(3)" after "(3) name") resolve to the name they were given first.
import { expect, test } from 'vitest'
import { partOf, readDump } from '../../bench/lib/callgrind.ts'

const DUMP = `# callgrind format
version: 1
positions: line
events: Ir
summary: 1111

ob=(1) /usr/bin/node
fl=(1) ???
fn=(1) Builtins_LoadIC
0 100
cob=(2) /work/node_modules/better-sqlite3/build/Release/better_sqlite3.node
cfn=(2) sqlite3VdbeExec
calls=1 0
0 5000
fn=(3) v8::internal::ScavengerCollector::CollectGarbage()
0 200
+2 20

ob=(2)
fn=(2)
0 700

ob=(3) ???
fn=(4) 0x000000000d044ac0
0 40
ob=(1)
fn=(5) v8::internal::compiler::GraphReducer::ReduceTop()
0 30
fn=(6) node::fs::Read(v8::FunctionCallbackInfo<v8::Value> const&)
0 10
ob=(4) /usr/lib/x86_64-linux-gnu/libc.so.6
fn=(7) _int_malloc
0 11
`

test('a dump is split into parts by object and function, calls counted once, names resolved', () => {
  const c = readDump(DUMP)
  expect(c).toMatchObject({
    'v8 builtins': 100,
    sqlite: 700,
    gc: 220,
    'jit code': 40,
    compiler: 30,
    'v8 and node c++': 10,
    libc: 11,
    other: 0,
    total: 1111,
  })
})

test('parts by name', () => {
  expect(partOf('/usr/bin/node', 'v8::internal::Heap::CollectGarbage(v8::internal::AllocationSpace)')).toBe('gc')
  expect(partOf('/usr/bin/node', 'v8::internal::HeapObject::SizeFromMap(v8::internal::Map) const')).toBe('v8 and node c++')
  expect(partOf('/usr/bin/node', 'v8::internal::maglev::MaglevGraphBuilder::Build()')).toBe('compiler')
  expect(partOf('/usr/lib/x86_64-linux-gnu/libstdc++.so.6', 'operator new(unsigned long)')).toBe('other')
})

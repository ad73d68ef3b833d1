// `npm start`: bundles the server (build-server.mjs) and runs the bundle in this process. Why not tsx, as
// the tests and development do: its loader thread and on-the-fly transforms take a good part of an idle
// server's memory (BENCHMARKS.md), and the bundle starts faster. Stack traces still name the .ts
// files, through the bundle's source map.
import { pathToFileURL } from 'node:url'
import { buildServer } from './build-server.mjs'

const bundle = await buildServer()
process.setSourceMapsEnabled(true)
await import(pathToFileURL(bundle).href)

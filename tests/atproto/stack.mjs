// The reference Bluesky servers on 127.0.0.1, wired as @atproto/dev-env's TestPlc, TestBsync,
// TestBsky and TestPds wire them (without Redis, Ozone or a second PDS, which these tests do
// not need). Started by tests/atproto/stack.py:
//
//   DB_POSTGRES_URL=postgresql://postgres@127.0.0.1:PORT/postgres node stack.mjs
//
// prints one JSON line {"plc", "pds", "appview", "bsync", "appviewDid"} once every server
// answers, then runs until its stdin closes or it gets SIGTERM, and closes them all.
import http from 'node:http'
import net from 'node:net'
import { rmSync } from 'node:fs'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { Client as PlcClient } from '@did-plc/lib'
import * as plc from '@did-plc/server'
import { Secp256k1Keypair } from '@atproto/crypto'
import { PDS } from '@atproto/pds'
import * as bsky from '@atproto/bsky'
import * as bsync from '@atproto/bsync'

// Every server here calls listen(port) without a host, which binds every interface: keep
// them on loopback.
const listen = net.Server.prototype.listen
net.Server.prototype.listen = function (...args) {
  const first = args[0]
  if (typeof first === 'number' && typeof args[1] !== 'string') {
    args.splice(1, 0, '127.0.0.1')
  } else if (first && typeof first === 'object' && 'port' in first && !first.host) {
    args[0] = { ...first, host: '127.0.0.1' }
  }
  return listen.apply(this, args)
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const probe = net.createServer()
    probe.once('error', reject)
    listen.call(probe, 0, '127.0.0.1', () => {
      const { port } = probe.address()
      probe.close(() => resolve(port))
    })
  })

// The servers reach each other at http://localhost:PORT: their fetch refuses an IP address as a
// host name (and so does the PDS's dev mode for its own public address).
const local = (port) => `http://localhost:${port}`
const ADMIN_PASSWORD = 'admin-pass'
const BSYNC_API_KEY = 'bsync-api-key'
const dbUrl = process.env.DB_POSTGRES_URL
if (!dbUrl) {
  console.error('stack.mjs: DB_POSTGRES_URL is not set (a PostgreSQL URL for bsync and the AppView)')
  process.exit(2)
}
const dataRoot = await fs.mkdtemp(path.join(os.tmpdir(), 'bsky-stack-'))
const closers = []
// However the launcher ends (closed, or a server failed to start: its error on stderr, for
// stack.py to show), its temporary folder goes with it.
process.on('exit', () => rmSync(dataRoot, { recursive: true, force: true }))

// PLC: the DID directory, in memory.
const plcPort = await freePort()
const plcServer = plc.PlcServer.create({ db: plc.Database.mock(), port: plcPort })
await plcServer.start()
closers.push(() => plcServer.destroy())
const plcUrl = local(plcPort)

const pdsPort = await freePort()
const appviewPort = await freePort()

// bsync: the AppView's store of mutes and notification settings (PostgreSQL).
const bsyncPort = await freePort()
const bsyncService = await bsync.BsyncService.create(
  bsync.envToCfg({ port: bsyncPort, apiKeys: [BSYNC_API_KEY], dbUrl, dbSchema: 'bsync', dbPoolSize: 5 }),
)
await bsyncService.ctx.db.migrateToLatestOrThrow()
await bsyncService.start()
closers.push(() => bsyncService.destroy())
const bsyncUrl = local(bsyncPort)

// The AppView: its DID (in PLC), its database, its data plane, the firehose subscription to
// the PDS, and the API server.
const appviewKey = await Secp256k1Keypair.create()
const plcClient = new PlcClient(plcUrl)
const appviewUrl = local(appviewPort)
const appviewDid = await plcClient.createDid({
  signingKey: appviewKey.did(),
  rotationKeys: [appviewKey.did()],
  handle: 'bsky.test',
  pds: appviewUrl,
  signer: appviewKey,
})
await plcClient.updateData(appviewDid, appviewKey, (doc) => {
  doc.services.bsky_notif = { type: 'BskyNotificationService', endpoint: appviewUrl }
  doc.services.bsky_appview = { type: 'BskyAppView', endpoint: appviewUrl }
  return doc
})
const migrationDb = new bsky.Database({ url: dbUrl, schema: 'appview' })
await migrationDb.migrateToLatestOrThrow()
await migrationDb.close()
const db = new bsky.Database({ url: dbUrl, schema: 'appview', poolSize: 10 })
const dataplanePort = await freePort()
// The data plane resolves DIDs at the PLC on localhost: plain fetch, as dev-env passes it
// (its default fetch refuses http: URLs).
const dataplane = await bsky.DataPlaneServer.create(db, dataplanePort, plcUrl, globalThis.fetch)
const config = new bsky.ServerConfig({
  version: 'unknown',
  port: appviewPort,
  didPlcUrl: plcUrl,
  publicUrl: 'https://bsky.public.url',
  serverDid: appviewDid,
  alternateAudienceDids: [],
  dataplaneUrls: [local(dataplanePort)],
  dataplaneHttpVersion: '1.1',
  bsyncUrl,
  bsyncHttpVersion: '1.1',
  bsyncApiKey: BSYNC_API_KEY,
  modServiceDid: 'did:example:invalidMod',
  labelsFromIssuerDids: [],
  bigThreadUris: new Set(),
  maxThreadParents: 50,
  disableSsrfProtection: true,
  searchTagsHide: new Set(),
  searchTagsHideAll: new Set(),
  threadTagsBumpDown: new Set(),
  threadTagsHide: new Set(),
  visibilityTagHide: '',
  visibilityTagRankPrefix: '',
  debugFieldAllowedDids: new Set(),
  draftsLimit: 500,
  feedGenSkeletonTimeout: 3000,
  adminPasswords: [ADMIN_PASSWORD],
  etcdHosts: [],
})
const appview = bsky.BskyAppView.create({ config, signingKey: appviewKey })
const bsyncSub = new bsky.BsyncSubscription({ config, db })
const repoSub = new bsky.RepoSubscription({
  service: `ws://localhost:${pdsPort}`,
  db,
  idResolver: dataplane.idResolver,
})
await appview.start()
// bsync tells the AppView's data plane of new mutes and settings (as dev-env's TestNetwork).
bsyncService.ctx.dataplaneClients = [appview.ctx.dataplane]
bsyncSub.start()
void repoSub.start()
closers.push(async () => {
  await appview.destroy()
  await bsyncSub.destroy()
  await dataplane.destroy()
  await repoSub.destroy()
  await db.close()
})

// The PDS, in dev mode (http://localhost:PORT is its public address), proxying app.bsky.*
// reads to the AppView.
await fs.mkdir(path.join(dataRoot, 'pds'), { recursive: true })
const rotationKey = await Secp256k1Keypair.create({ exportable: true })
const pds = await PDS.fromEnv({
  devMode: true,
  port: pdsPort,
  dataDirectory: path.join(dataRoot, 'pds'),
  blobstoreDiskLocation: path.join(dataRoot, 'blobs'),
  recoveryDidKey: (await Secp256k1Keypair.create()).did(),
  adminPassword: ADMIN_PASSWORD,
  jwtSecret: 'jwt-secret',
  serviceHandleDomains: ['.test'],
  didPlcUrl: plcUrl,
  bskyAppViewUrl: appviewUrl,
  bskyAppViewDid: appviewDid,
  modServiceUrl: 'https://moderator.invalid',
  modServiceDid: 'did:example:invalid',
  plcRotationKeyK256PrivateKeyHex: Buffer.from(await rotationKey.export()).toString('hex'),
  inviteRequired: false,
  disableSsrfProtection: true,
  serviceName: 'Listening Brands test PDS',
})
await pds.start()
closers.unshift(() => pds.destroy())

// Handles under .test resolve at the PDS itself (no DNS), and the PDS's public address
// is where it listens: as dev-env's mockNetworkUtilities.
const pdsLocal = local(pdsPort)
// The PDS's /.well-known/atproto-did for `handle` (fetch would not send our Host header).
const wellKnownDid = (handle) =>
  new Promise((resolve) => {
    const req = http.get(
      { host: '127.0.0.1', port: pdsPort, path: '/.well-known/atproto-did', headers: { host: handle } },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk) => (body += chunk))
        res.on('end', () => resolve(res.statusCode === 200 ? body.trim() : undefined))
      },
    )
    req.on('error', () => resolve(undefined))
  })
const mockResolvers = (idResolver) => {
  const resolveNoCache = idResolver.did.resolveNoCache
  idResolver.did.resolveNoCache = async (did) => {
    const result = await resolveNoCache.call(idResolver.did, did)
    const service = result?.service?.find((svc) => svc.id === '#atproto_pds')
    if (typeof service?.serviceEndpoint === 'string') {
      service.serviceEndpoint = service.serviceEndpoint.replace(pds.ctx.cfg.service.publicUrl, pdsLocal)
    }
    return result
  }
  const resolveDns = idResolver.handle.resolveDns
  idResolver.handle.resolve = async (handle) => {
    if (!handle.endsWith('.test')) return resolveDns.call(idResolver.handle, handle)
    return wellKnownDid(handle)
  }
}
mockResolvers(pds.ctx.idResolver)
mockResolvers(appview.ctx.idResolver)
mockResolvers(dataplane.idResolver)

let closing = false
const close = async (code) => {
  if (closing) return
  closing = true
  for (const closer of closers) {
    try {
      await closer()
    } catch (err) {
      console.error(`stack.mjs: while closing: ${err}`)
    }
  }
  process.exit(code)
}
process.on('SIGTERM', () => close(0))
process.on('SIGINT', () => close(0))
process.stdin.on('end', () => close(0))
process.stdin.on('close', () => close(0))
process.stdin.resume()

// For the tests: the same servers at 127.0.0.1 (what they listen on).
const loopback = (url) => url.replace('//localhost:', '//127.0.0.1:')
console.log(
  JSON.stringify({
    plc: loopback(plcUrl),
    pds: loopback(pdsLocal),
    appview: loopback(appviewUrl),
    bsync: loopback(bsyncUrl),
    appviewDid,
  }),
)

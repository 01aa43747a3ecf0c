/**
 * A TCP proxy that counts the connections it accepts: proof that an engine opens
 * no connection before its first statement, whatever else runs on the server.
 */
import { Effect, type Scope } from "effect"
import * as net from "node:net"

export interface CountingProxy {
  readonly port: number
  /** Connections accepted so far. */
  readonly connections: () => number
  /** Connections open now. */
  readonly open: () => number
}

export const countingProxy = (host: string, port: number): Effect.Effect<CountingProxy, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.async<{ server: net.Server; sockets: Set<net.Socket>; proxy: CountingProxy }>((resume) => {
      let count = 0
      let open = 0
      const sockets = new Set<net.Socket>()
      const server = net.createServer((client) => {
        count++
        open++
        let closed = false
        const upstream = net.connect(port, host)
        sockets.add(client).add(upstream)
        client.pipe(upstream).pipe(client)
        const close = () => {
          if (!closed) open--
          closed = true
          client.destroy()
          upstream.destroy()
        }
        client.on("error", close).on("close", close)
        upstream.on("error", close).on("close", close)
      })
      server.listen(0, "127.0.0.1", () => {
        const address = server.address() as net.AddressInfo
        resume(Effect.succeed({ server, sockets, proxy: { port: address.port, connections: () => count, open: () => open } }))
      })
    }),
    ({ server, sockets }) =>
      Effect.async<void>((resume) => {
        sockets.forEach((s) => s.destroy())
        server.close(() => resume(Effect.void))
      })
  ).pipe(Effect.map(({ proxy }) => proxy))

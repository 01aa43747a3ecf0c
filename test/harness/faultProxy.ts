/**
 * A TCP proxy on 127.0.0.1 that injects network faults between an engine and its server,
 * for the reliability suites:
 * - `blackhole()`: every connection stays open but nothing is forwarded either way (a
 *   partition), until `heal()`; new connections are accepted and black-holed too;
 * - `dropReplyAfter(text)`: the next client packet containing `text` (e.g. "COMMIT") reaches
 *   the server, and then that connection is cut before the server's answer comes back.
 */
import { Effect, type Scope } from "effect"
import * as net from "node:net"

export interface FaultProxy {
  readonly port: number
  readonly blackhole: () => void
  readonly heal: () => void
  readonly dropReplyAfter: (text: string) => void
  /** Connections accepted so far. */
  readonly connections: () => number
}

interface Pair {
  readonly client: net.Socket
  readonly upstream: net.Socket
  /** Bytes held back while black-holed. */
  cutAfterServerReply: boolean
}

export const faultProxy = (host: string, port: number): Effect.Effect<FaultProxy, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.async<{ server: net.Server; pairs: Set<Pair>; proxy: FaultProxy }>((resume) => {
      let holed = false
      let dropText: string | undefined
      let count = 0
      const pairs = new Set<Pair>()
      const server = net.createServer((client) => {
        count++
        const upstream = net.connect(port, host)
        const pair: Pair = { client, upstream, cutAfterServerReply: false }
        pairs.add(pair)
        client.on("data", (chunk) => {
          if (holed) return
          if (dropText !== undefined && chunk.includes(dropText)) {
            dropText = undefined
            pair.cutAfterServerReply = true
          }
          upstream.write(chunk)
        })
        upstream.on("data", (chunk) => {
          if (holed) return
          if (pair.cutAfterServerReply) {
            // The server answered: the client never hears it.
            client.destroy()
            upstream.destroy()
            return
          }
          client.write(chunk)
        })
        const close = () => {
          pairs.delete(pair)
          client.destroy()
          upstream.destroy()
        }
        client.on("error", close).on("close", close)
        upstream.on("error", close).on("close", close)
      })
      server.listen(0, "127.0.0.1", () => {
        const address = server.address() as net.AddressInfo
        resume(Effect.succeed({
          server,
          pairs,
          proxy: {
            port: address.port,
            blackhole: () => {
              holed = true
            },
            heal: () => {
              holed = false
              // What was in flight during the partition is lost for good: those connections are dead.
              for (const p of pairs) {
                p.client.destroy()
                p.upstream.destroy()
              }
            },
            dropReplyAfter: (text) => {
              dropText = text
            },
            connections: () => count
          }
        }))
      })
    }),
    ({ pairs, server }) =>
      Effect.async<void>((resume) => {
        for (const p of pairs) {
          p.client.destroy()
          p.upstream.destroy()
        }
        server.close(() => resume(Effect.void))
      })
  ).pipe(Effect.map(({ proxy }) => proxy))

/**
 * The Worker: bundled with esbuild and run by workerd (through miniflare). Its configuration comes as a
 * binding; the app (and its verifier, with its key and token caches) is made on the first request and
 * kept for the isolate's life, as a Worker should.
 */
import { runtimeApp, type FetchHandler } from '../web-apps.js'

let app: FetchHandler | undefined

export default {
  fetch(request: Request, env: { TOKENGUARD_APP: string }): Promise<Response> {
    app ??= runtimeApp(JSON.parse(env.TOKENGUARD_APP))
    return app(request)
  },
}

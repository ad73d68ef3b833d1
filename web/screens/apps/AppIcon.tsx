// An app's icon, or its initial on a plain tile when it has none.
import { appIconUrl, type App } from '../../models/apps.ts'

export function AppIcon({ app, size }: { app: Pick<App, 'id' | 'icon' | 'name'>; size: number }) {
  const url = appIconUrl(app)
  const style = { width: `${size}px`, height: `${size}px` }
  if (url) return <img class="app-icon" src={url} alt="" width={size} height={size} style={style} />
  return (
    <span class="app-icon app-icon--none" aria-hidden="true" style={{ ...style, fontSize: `${Math.round(size / 2.4)}px` }}>
      {[...app.name.trim()][0]?.toUpperCase() ?? '?'}
    </span>
  )
}

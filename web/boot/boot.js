// Runs before the app's modules: when a signed-in start opens a chat by its address and that room's last
// look is kept (web/store/room-snapshot.ts), paint it at once, inert, over the app. The room removes it
// when its own messages are on screen (web/screens/room/snapshot.ts); input or a change of address removes
// it sooner, and it never stays longer than a few seconds.
;(function () {
  try {
    var session = JSON.parse(localStorage.getItem('sori:session') || 'null')
    var id = session && session.user && session.user.id
    if (!id || !/^#\/chat\/[^/]+$/.test(location.hash)) return
    var wide = matchMedia('(min-width: 900px)').matches
    var list = JSON.parse(localStorage.getItem('sori:snap:' + id) || '[]')
    var snap = null
    for (var i = 0; i < list.length; i++) if (list[i].hash === location.hash && list[i].wide === wide) snap = list[i]
    if (!snap || typeof snap.html !== 'string') return

    // the theme as web/app/theme.ts resolves it, so the paint has the colours the app will have
    var choice = localStorage.getItem('sori.theme')
    var dark = choice === 'dark' || (choice !== 'light' && matchMedia('(prefers-color-scheme: dark)').matches)
    document.documentElement.setAttribute('data-theme', dark ? 'dark' : 'light')

    var boot = document.createElement('div')
    boot.id = 'boot'
    boot.className = 'boot'
    boot.setAttribute('aria-hidden', 'true')
    boot.setAttribute('inert', '')
    boot.innerHTML = snap.html
    // styles were moved aside when kept: style attributes parsed from markup are refused by the CSP,
    // styles set through the CSSOM are not
    var styled = boot.querySelectorAll('[data-boot-style]')
    for (var j = 0; j < styled.length; j++) styled[j].style.cssText = styled[j].getAttribute('data-boot-style')
    document.body.appendChild(boot)
    var lists = boot.querySelectorAll('.vlist')
    for (var k = 0; k < lists.length; k++) lists[k].scrollTop = lists[k].scrollHeight

    var drop = function () {
      if (boot.parentNode) boot.parentNode.removeChild(boot)
    }
    addEventListener('hashchange', drop, { once: true })
    addEventListener('pointerdown', drop, { once: true, capture: true })
    addEventListener('keydown', drop, { once: true, capture: true })
    setTimeout(drop, 5000)
  } catch {
    // a paint is a nicety: whatever failed, the app starts as without it
    var left = document.getElementById('boot')
    if (left) left.remove()
  }
})()

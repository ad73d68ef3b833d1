/* global window, document, location, Sori */
// Meet's page: a static page that shares a meeting place with Sori Link's location template. It loads the
// SDK from the Sori named in config.js.
const $ = (id) => document.getElementById(id)
const { soriOrigin, appKey } = window.MEET_CONFIG

const sdk = document.createElement('script')
sdk.src = `${soriOrigin}/sdk/v1/sori.js`
sdk.onload = () => Sori.init(appKey)
sdk.onerror = () => ($('error').textContent = `Sori's SDK could not be loaded from ${soriOrigin}.`)
document.head.append(sdk)

$('place').addEventListener('submit', (e) => {
  e.preventDefault()
  $('error').textContent = ''
  const name = $('name').value.trim()
  const address = $('address').value.trim()
  const when = $('when').value.trim()
  const page = `${location.origin}${location.pathname}?place=${encodeURIComponent(name)}`
  Sori.send({
    template: {
      type: 'location',
      content: { title: `Meet at ${name}`, ...(when ? { description: when } : {}), link: { webUrl: page } },
      address,
      addressTitle: name,
    },
  }).then(
    ({ sent }) => ($('status').textContent = `Sent to ${sent} chat${sent === 1 ? '' : 's'}.`),
    (err) => {
      if (err.code !== 'cancelled') $('error').textContent = err.message
    },
  )
})

// opened from the card in a chat: show which place it was
const shared = new URLSearchParams(location.search).get('place')
if (shared) $('status').textContent = `Meeting place: ${shared}`

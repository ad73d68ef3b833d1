/* global document, location, history, Sori */
// Battle's page: starts or joins a battle by id (?battle=<id>), and invites a friend through Sori Link with
// a feed card whose "Play" button carries the battle's id. A player is a random token kept by this browser.
const $ = (id) => document.getElementById(id)
const appKey = document.querySelector('meta[name="sori-app-key"]').content

function playerToken() {
  let t = localStorage.getItem('battle.token')
  if (!t) {
    t = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('')
    localStorage.setItem('battle.token', t)
  }
  return t
}
const token = playerToken()
let battle = null
let timer = 0

async function call(method, path, body) {
  const res = await fetch(path + (method === 'GET' ? `?token=${token}` : ''), {
    method,
    headers: body ? { 'Content-Type': 'application/json' } : {},
    body: body ? JSON.stringify({ ...body, token }) : undefined,
  })
  const data = await res.json()
  if (!res.ok) throw new Error(data.error || `HTTP ${res.status}`)
  return data
}

const LABEL = { rock: 'Rock', paper: 'Paper', scissors: 'Scissors' }
const RESULT = { win: 'You win!', lose: 'You lose.', draw: 'A draw.' }

/** chats the invitation went to: said until a friend joins, across the page's polls */
let invited = 0

function show(b) {
  battle = b
  $('lobby').hidden = true
  $('battle').hidden = false
  $('battle-id').textContent = b.id
  $('seat').textContent = String(b.seat)
  $('players').textContent = String(b.players)
  $('invite').hidden = b.players === 2
  for (const btn of document.querySelectorAll('[data-move]')) btn.disabled = b.players < 2 || !!b.mine
  $('status').textContent = b.players < 2 ? waiting() : b.mine ? `You played ${LABEL[b.mine]}.` : 'Your move!'
  $('result').textContent = b.result ? `${RESULT[b.result]} They played ${LABEL[b.theirs]}.` : ''
  if (b.result) clearInterval(timer)
}

const waiting = () =>
  (invited ? `Invitation sent to ${invited} chat${invited === 1 ? '' : 's'}. ` : '') + 'Waiting for a friend to join…'

function follow(b) {
  show(b)
  history.replaceState(null, '', `/?battle=${b.id}`)
  clearInterval(timer)
  timer = setInterval(() => call('GET', `/api/battles/${battle.id}`).then(show, () => {}), 1000)
}

$('start').addEventListener('click', () => call('POST', '/api/battles', {}).then(follow, fail))

for (const btn of document.querySelectorAll('[data-move]'))
  btn.addEventListener('click', () => call('POST', `/api/battles/${battle.id}/move`, { move: btn.dataset.move }).then(show, fail))

$('invite').addEventListener('click', () => {
  const url = `${location.origin}/?battle=${battle.id}`
  Sori.send({
    template: {
      type: 'feed',
      content: {
        title: 'Rock, paper, scissors: battle me!',
        description: 'One round. Tap Play to join my battle.',
        link: { webUrl: url },
      },
      buttons: [{ title: 'Play', link: { webUrl: url, mobileWebUrl: url, params: { battle: battle.id } } }],
    },
  }).then(
    ({ sent }) => {
      invited += sent
      if (battle.players < 2) $('status').textContent = waiting()
    },
    (e) => {
      if (e.code !== 'cancelled') fail(e)
    },
  )
})

function fail(e) {
  $('error').textContent = e.message
}

Sori.init(appKey)
const wanted = new URLSearchParams(location.search).get('battle')
if (wanted) call('POST', `/api/battles/${encodeURIComponent(wanted)}/join`, {}).then(follow, fail)

/* global window */
// Where Sori is, and this page's app key (register the app in Sori with this page's origin as its domain).
window.MEET_CONFIG = {
  soriOrigin: 'http://localhost:8080',
  appKey: 'PASTE_YOUR_APP_KEY_HERE',
}

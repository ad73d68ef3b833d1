// Translation for the screens: the i18n module's t() (it subscribes the rendering component to the
// active language, so screens re-render on a switch) and the language signal.
export { t, lang as language } from '../i18n/index.ts'

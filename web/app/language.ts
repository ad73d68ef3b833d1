// Starts the UI language (web/i18n/ owns detection and the lazily loaded bundles).
export { startI18n as startLanguage } from '../i18n/index.ts'

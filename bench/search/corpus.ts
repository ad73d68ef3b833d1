// A deterministic corpus of chat messages in the twelve languages, and queries over it.
// No-space languages (th, ja, zh) join their words without spaces, as people write them.
export interface CorpusMessage { id: string; conv: string; page: number; index: number; from: string; ts: number; body: string; lang: string }

const VOCAB: Record<string, { words: string[]; join: string }> = {
  ko: { join: ' ', words: ['오늘', '내일', '서울에서', '만나요', '점심', '저녁', '회의', '사진', '친구', '같이', '영화', '커피', '고마워요', '괜찮아요', '주말에', '부산', '학교', '회사', '집에', '도착했어요'] },
  en: { join: ' ', words: ['see', 'you', 'tomorrow', 'lunch', 'meeting', 'photo', 'weekend', 'coffee', 'train', 'late', 'thanks', 'great', 'office', 'home', 'arrived', 'movie', 'tonight', 'birthday', 'party', 'call'] },
  ja: { join: '', words: ['今日', '明日', '東京', '寿司', '会議', '写真', '友達', '一緒', '映画', '電車', 'ありがとう', '週末', '大阪', '学校', '会社', '家', '誕生日', 'パーティー', '遅れる', 'コーヒー'] },
  es: { join: ' ', words: ['mañana', 'nos', 'vemos', 'almuerzo', 'reunión', 'foto', 'fin', 'semana', 'café', 'tren', 'gracias', 'genial', 'oficina', 'casa', 'llegué', 'película', 'esta', 'noche', 'cumpleaños', 'fiesta'] },
  'zh-Hans': { join: '', words: ['今天', '明天', '北京', '上海', '出差', '开会', '照片', '朋友', '一起', '电影', '咖啡', '谢谢', '周末', '学校', '公司', '回家', '到了', '生日', '晚上', '火车'] },
  'zh-Hant': { join: '', words: ['今天', '明天', '臺北', '高雄', '出差', '開會', '照片', '朋友', '一起', '電影', '咖啡', '謝謝', '週末', '學校', '公司', '回家', '到了', '生日', '晚上', '火車'] },
  th: { join: '', words: ['พรุ่งนี้', 'วันนี้', 'ตลาด', 'กรุงเทพ', 'ประชุม', 'รูปภาพ', 'เพื่อน', 'ด้วยกัน', 'หนัง', 'กาแฟ', 'ขอบคุณ', 'สุดสัปดาห์', 'โรงเรียน', 'บริษัท', 'บ้าน', 'ถึงแล้ว', 'วันเกิด', 'ปาร์ตี้', 'รถไฟ', 'อาหาร'] },
  tr: { join: ' ', words: ['yarın', 'görüşürüz', 'İstanbul', 'öğle', 'toplantı', 'fotoğraf', 'hafta', 'sonu', 'kahve', 'tren', 'teşekkürler', 'harika', 'ofis', 'eve', 'geldim', 'film', 'bu', 'akşam', 'doğum', 'günü'] },
  de: { join: ' ', words: ['morgen', 'sehen', 'uns', 'Mittagessen', 'Besprechung', 'Foto', 'Wochenende', 'Kaffee', 'Zug', 'später', 'danke', 'super', 'Büro', 'Hause', 'angekommen', 'Kino', 'heute', 'Abend', 'Geburtstag', 'Straße'] },
  fr: { join: ' ', words: ['demain', 'on', 'se', 'voit', 'déjeuner', 'réunion', 'photo', 'week-end', 'café', 'train', 'merci', 'génial', 'bureau', 'maison', 'arrivé', 'cinéma', 'ce', 'soir', 'anniversaire', 'fête'] },
  pt: { join: ' ', words: ['amanhã', 'até', 'almoço', 'reunião', 'foto', 'fim', 'semana', 'café', 'trem', 'obrigado', 'ótimo', 'escritório', 'casa', 'cheguei', 'filme', 'hoje', 'noite', 'aniversário', 'festa', 'ação'] },
  it: { join: ' ', words: ['domani', 'ci', 'vediamo', 'pranzo', 'riunione', 'foto', 'fine', 'settimana', 'caffè', 'treno', 'grazie', 'ottimo', 'ufficio', 'casa', 'arrivato', 'film', 'stasera', 'compleanno', 'festa', 'città'] },
}
export const LANGS = Object.keys(VOCAB)

/** mulberry32: a small seeded PRNG, so every run searches the same messages */
function rng(seed: number) {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function makeCorpus(count: number, seed = 42): CorpusMessage[] {
  const r = rng(seed)
  const pick = <T,>(a: readonly T[]) => a[Math.floor(r() * a.length)]
  const out: CorpusMessage[] = []
  for (let i = 0; i < count; i++) {
    const lang = pick(LANGS)
    const v = VOCAB[lang]
    const n = 3 + Math.floor(r() * 10)
    const words = Array.from({ length: n }, () => pick(v.words))
    // a rare word now and then, so that some queries have few hits, as real searches mostly do
    if (r() < 0.02) words.splice(Math.floor(r() * n), 0, `rare${Math.floor(r() * 500)}`)
    const conv = `conv${String(Math.floor(r() * 200)).padStart(8, '0')}`
    out.push({ id: `m${String(i).padStart(9, '0')}`, conv, page: Math.floor(i / 1000), index: i % 1000, from: `user${i % 50}`, ts: 1_700_000_000_000 + i * 60_000, body: words.join(v.join) + (r() < 0.3 ? '!' : ''), lang })
  }
  return out
}

/** [query, UI language]: single words, prefixes while typing, two words, rare words, no-space scripts */
export const QUERIES: [string, string][] = [
  ['tomorrow', 'en'], ['tomor', 'en'], ['coffee tonight', 'en'], ['rare123', 'en'], ['rare4', 'en'],
  ['서울', 'ko'], ['영화 커피', 'ko'], ['寿司', 'ja'], ['東京', 'ja'], ['北京', 'zh-Hans'], ['出差', 'zh-Hans'],
  ['臺北', 'zh-Hant'], ['ตลาด', 'th'], ['กาแฟ', 'th'], ['İSTANBUL', 'tr'], ['toplantı', 'tr'],
  ['strasse', 'de'], ['kaffee zug', 'de'], ['cafe', 'fr'], ['reunion demain', 'fr'], ['acao', 'pt'],
  ['caffe', 'it'], ['citta stasera', 'it'], ['zzzz', 'en'],
]

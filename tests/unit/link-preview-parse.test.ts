// What a link preview takes from a page: its Open Graph tags before its <title> and meta description,
// entities decoded, bidi overrides and control characters dropped, long text cut, the picture's address
// resolved against the page and only when it is http(s), and the page's own charset.
import { describe, expect, it } from 'vitest'
import { cleanText, decodeHtml, parsePage } from '../../server/previews/parse.ts'

const page = new URL('https://news.example/articles/7?x=1')

describe('link preview parsing', () => {
  it('prefers Open Graph, and falls back to <title> and the meta description', () => {
    const og = parsePage(
      `<html><head><title>Plain</title><meta name="description" content="Meta desc">
       <meta content="OG title" property="og:title"><meta property='og:description' content='OG desc'>
       <meta property="og:site_name" content="News"><meta property="og:image" content="../img/a.png">`,
      page,
    )
    expect(og).toMatchObject({ title: 'OG title', description: 'OG desc', site: 'News' })
    expect(og.image?.href).toBe('https://news.example/img/a.png')
    const plain = parsePage('<head><TITLE>\n  Plain   page </TITLE><meta name=description content=Short></head>', page)
    expect(plain).toMatchObject({ title: 'Plain page', description: 'Short', site: 'news.example', image: null })
  })

  it('reads nothing from comments, scripts or the body', () => {
    const p = parsePage(
      `<head><!-- <title>comment</title> --><script>document.title = "<title>script</title>"</script></head>
       <body><title>body</title></body>`,
      page,
    )
    expect(p.title).toBe('')
  })

  it('decodes entities and drops bidi overrides and control characters', () => {
    expect(cleanText('Tom &amp; Jerry&#x202E;gpj.exe &#8211; &quot;ok&quot;\u0007\u2066', 200)).toBe('Tom & Jerry gpj.exe – "ok"')
  })

  it('cuts long text at whole code points, with an ellipsis', () => {
    const cut = cleanText('😀'.repeat(300), 200)
    expect(Array.from(cut)).toHaveLength(200)
    expect(cut.endsWith('…')).toBe(true)
    expect(cut.includes('\ufffd')).toBe(false)
  })

  it('takes only an http(s) picture', () => {
    for (const bad of ['javascript:alert(1)', 'data:image/png;base64,AAAA', 'file:///etc/passwd', 'https://u:p@x.example/a.png'])
      expect(
        parsePage(`<meta property="og:title" content="t"><meta property="og:image" content="${bad}">`, page).image,
      ).toBeNull()
  })

  it("decodes the page in its own charset: the header's, else its <meta charset>", () => {
    const korean = Buffer.from([0xc7, 0xd1, 0xb1, 0xdb]) // 한글 in EUC-KR
    const html = Buffer.concat([Buffer.from('<meta charset="euc-kr"><title>'), korean, Buffer.from('</title>')])
    expect(parsePage(decodeHtml(html, ''), page).title).toBe('한글')
    const sjis = Buffer.concat([Buffer.from('<title>'), Buffer.from([0x93, 0xfa, 0x96, 0x7b]), Buffer.from('</title>')])
    expect(parsePage(decodeHtml(sjis, 'shift_jis'), page).title).toBe('日本')
  })
})

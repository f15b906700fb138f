package mappers

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Transliterate spells s in lower-case ASCII, predictably, for names that must be ASCII
// (logins, sAMAccountName, mail local parts). ok is false when s holds a letter no table
// covers (Chinese, Japanese, Korean, Arabic, …): such a name has no agreed spelling, and
// the caller falls back to something else (the stock unique-names mapper: the employee
// id).
//
// The rules, in order:
//   - Latin letters lose their diacritics (é→e, ñ→n, å→a, ü→u, ö→o, ç→c, ł→l, ż→z), by
//     Unicode decomposition or, for letters that do not decompose, by the table below:
//     ß→ss, æ→ae, œ→oe, ø→o, đ→d, ð→d, þ→th, ł→l, ı→i. German umlauts become the bare vowel
//     (ü→u, not ue), as most directories and mail systems spell them.
//   - Cyrillic letters follow a fixed table close to BGN/PCGN (ж→zh, х→kh, ц→ts, ч→ch,
//     ш→sh, щ→shch, ю→yu, я→ya, й→y, ы→y, ъ and ь dropped), Ukrainian letters included
//     (і→i, ї→yi, є→ye, ґ→g).
//   - Greek letters follow a fixed table close to ELOT 743 (θ→th, χ→ch, ψ→ps, η→i, ω→o,
//     υ→y, β→v; the digraphs ου→ou, αυ→av, ευ→ev), accents dropped.
//   - Digits stay; every other character (spaces, hyphens, apostrophes, dots) is kept as it
//     is for the caller to treat.
func Transliterate(s string) (out string, ok bool) {
	var b strings.Builder
	ok = true
	for _, r := range greekDigraphs.Replace(norm.NFC.String(strings.ToLower(s))) {
		if t, found := translitTable[r]; found {
			b.WriteString(t)
			continue
		}
		if r < unicode.MaxASCII || !(unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
			continue
		}
		for _, d := range norm.NFD.String(string(r)) {
			switch t, found := translitTable[d]; {
			case unicode.Is(unicode.Mn, d):
				// a combining mark: the letter's diacritic
			case d < unicode.MaxASCII:
				b.WriteRune(d)
			case found:
				b.WriteString(t)
			default:
				ok = false
			}
		}
	}
	return b.String(), ok
}

// greekDigraphs spells the Greek vowel pairs read as one sound, with or without the accent.
var greekDigraphs = strings.NewReplacer("ου", "ou", "ού", "ou", "αυ", "av", "αύ", "av", "ευ", "ev", "εύ", "ev")

// translitTable spells the lower-case letters Unicode decomposition leaves alone.
var translitTable = map[rune]string{
	// Latin
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'đ': "d", 'ð': "d", 'þ': "th", 'ł': "l",
	'ı': "i", 'ħ': "h", 'ŧ': "t", 'ŀ': "l", 'ĸ': "k", 'ŋ': "ng",
	// Cyrillic (й, ё and ї decompose, but have spellings of their own)
	'й': "y", 'ё': "e", 'ї': "yi",
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ж': "zh", 'з': "z",
	'и': "i", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r",
	'с': "s", 'т': "t", 'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh",
	'щ': "shch", 'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "yu", 'я': "ya",
	'і': "i", 'є': "ye", 'ґ': "g", 'ў': "u", 'ј': "j", 'љ': "lj", 'њ': "nj", 'џ': "dz",
	'ђ': "dj", 'ћ': "c",
	// Greek (accented letters decompose into these and a mark)
	'α': "a", 'β': "v", 'γ': "g", 'δ': "d", 'ε': "e", 'ζ': "z", 'η': "i", 'θ': "th",
	'ι': "i", 'κ': "k", 'λ': "l", 'μ': "m", 'ν': "n", 'ξ': "x", 'ο': "o", 'π': "p",
	'ρ': "r", 'σ': "s", 'ς': "s", 'τ': "t", 'υ': "y", 'φ': "f", 'χ': "ch", 'ψ': "ps",
	'ω': "o",
}

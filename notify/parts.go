package notify

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// Discord's message limits (characters, counted as Unicode code points),
// which every Notifier's messages keep to.
const (
	MaxContent     = 2000 // message content
	MaxTitle       = 256  // embed title
	MaxDescription = 4096 // embed description
	MaxFooter      = 2048 // embed footer
	MaxEmbed       = 6000 // all text of one embed together
)

// SplitText cuts text into parts of at most n characters, preferring a
// line break, then a space, never splitting a character.
func SplitText(s string, n int) []string {
	var parts []string
	for utf8.RuneCountInString(s) > n {
		r := []rune(s)
		cut := n
		head := string(r[:n])
		if i := strings.LastIndex(head, "\n"); i > 0 {
			cut = utf8.RuneCountInString(head[:i])
		} else if i := strings.LastIndex(head, " "); i > 0 {
			cut = utf8.RuneCountInString(head[:i])
		}
		parts = append(parts, strings.TrimRight(string(r[:cut]), " \n"))
		s = strings.TrimLeft(string(r[cut:]), " \n")
	}
	if strings.TrimSpace(s) != "" {
		parts = append(parts, s)
	}
	return parts
}

// Parts splits m into messages that each fit in one Discord message:
// content over 2000 characters and a description over what one embed
// holds go on over several messages, the title (and link) on the first,
// the footer on the last one with an embed. The split depends on m alone,
// so a sender that records how many parts went out can send only the rest
// after a failure, never the first part twice.
func Parts(m Message) []Message {
	content := SplitText(m.Content, MaxContent)
	descMax := MaxEmbed - min(utf8.RuneCountInString(m.Title), MaxTitle) - min(utf8.RuneCountInString(m.Footer), MaxFooter)
	desc := SplitText(m.Description, min(MaxDescription, descMax))
	n := max(len(content), len(desc), 1)
	lastEmbed := max(len(desc)-1, 0)
	out := make([]Message, n)
	for i := range out {
		p := Message{Kind: m.Kind, Color: m.Color}
		if i < len(content) {
			p.Content = content[i]
		}
		if i < len(desc) {
			p.Description = desc[i]
		}
		if i == 0 {
			p.Title, p.URL = m.Title, m.URL
		}
		if i == lastEmbed {
			p.Footer = m.Footer
		}
		out[i] = p
	}
	return out
}

// permanent marks an error that retrying will not fix.
type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// Permanent marks an error that retrying will not fix (Discord's 50007
// "Cannot send messages to this user", 50013 missing permissions, an
// unknown channel, a message Discord refuses as invalid): queues mark the
// message failed at once instead of retrying it.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanent{err}
}

// IsPermanent reports whether err was marked with Permanent.
func IsPermanent(err error) bool {
	var p permanent
	return errors.As(err, &p)
}

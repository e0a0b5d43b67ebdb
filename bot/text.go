package bot

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"patt/notify"
)

// Discord's message limits (characters, counted as Unicode code points).
const (
	maxContent     = notify.MaxContent
	maxTitle       = notify.MaxTitle
	maxDescription = notify.MaxDescription
	maxFooter      = notify.MaxFooter
	maxEmbed       = notify.MaxEmbed
)

// truncate cuts s to at most n characters, ending with "…" when cut, never
// inside a character.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimRight(string(r[:n-1]), " \n") + "…"
}

// splitContent cuts text into parts of at most n characters.
func splitContent(s string, n int) []string { return notify.SplitText(s, n) }

// buildMessages turns a notify.Message into what Discord accepts: content
// split over several messages when longer than 2000 characters (the embed
// rides on the first), embed fields cut to their limits.
func buildMessages(m notify.Message) []*discordgo.MessageSend {
	parts := splitContent(m.Content, maxContent)
	var embed *discordgo.MessageEmbed
	if m.Title != "" || m.Description != "" {
		embed = &discordgo.MessageEmbed{
			Title:       truncate(m.Title, maxTitle),
			Description: truncate(m.Description, maxDescription),
			URL:         m.URL,
			Color:       m.Color,
			Timestamp:   time.Now().UTC().Format(time.RFC3339),
		}
		if m.Footer != "" {
			embed.Footer = &discordgo.MessageEmbedFooter{Text: truncate(m.Footer, maxFooter)}
		}
		// All text of an embed together must stay within 6000.
		used := utf8.RuneCountInString(embed.Title)
		if embed.Footer != nil {
			used += utf8.RuneCountInString(embed.Footer.Text)
		}
		embed.Description = truncate(embed.Description, min(maxDescription, maxEmbed-used))
	}
	if len(parts) == 0 {
		parts = []string{""}
	}
	out := make([]*discordgo.MessageSend, len(parts))
	for i, p := range parts {
		out[i] = &discordgo.MessageSend{Content: p}
	}
	if embed != nil {
		out[0].Embeds = []*discordgo.MessageEmbed{embed}
	}
	if len(m.Buttons) > 0 || m.Select != nil {
		// Components ride on the last part, under the text they answer.
		out[len(out)-1].Components = components(m)
	}
	return out
}

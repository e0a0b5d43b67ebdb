package voting

import (
	"fmt"
	"strconv"
	"strings"
)

// LeaderLine is an entry and its points in a message.
type LeaderLine struct {
	Name  string
	Score int
}

// MessageData is everything a message template may use.
type MessageData struct {
	Title, Description, VoteURL, ResultsURL, CloseDate string
	Voted, Total, Remaining, TotalVoters               int
	Picks                                              int
	Live                                               bool
	Standings                                          []LeaderLine // entries with points, best first
	NewLeader, OldLeader                               string
	NewScore, OldScore                                 int
}

// The voice (§9.7): a hype-man sports commentator who is also a guild
// member — enthusiastic, playful, self-aware that this is a silly vote
// about pictures, never mean. Discord markdown, emoji used sparingly.
var messageTemplates = map[string][]string{
	EventLaunch: {
		"🎉 **{title}** is open, folks!\n{description}\n🗳️ Cast your ballot: {vote_url}\n📅 Closes {close_date}",
		"📜 Hear ye, hear ye! **{title}** has begun, and {picks_phrase} decide it.\n🗳️ {vote_url}\n⏳ You have until {close_date}. Don't sleep on it.",
	},
	EventFirstVote: {
		"🏁 We're off! The first ballot is in for **{title}**. The rest of you: {vote_url}",
		"👀 Someone couldn't wait: the first vote for **{title}** is in. Who's next?",
	},
	EventLeadChange: {
		"🔥 **{new_leader}** just took the lead from **{old_leader}**, {new_score} to {old_score}! Got an opinion? {vote_url}",
		"😱 Plot twist! **{new_leader}** surges past **{old_leader}**.\n🥇 {new_leader}: {new_score} pts\n🥈 {old_leader}: {old_score} pts\n{vote_url}",
		"🪞 **{old_leader}** is in the rear-view mirror: **{new_leader}** is on top with {new_score} points. {race_phrase} {vote_url}",
	},
	EventMilestone25: {
		"🗣️ A quarter of the guild has spoken on **{title}**: {voted_count} of {total_count} are in. **{leader_name}** {leads_phrase} with {leader_score} points. Join in: {vote_url}",
	},
	EventMilestone50: {
		"🎯 Halfway mark! {voted_count} of {total_count} have voted on **{title}**. **{leader_name}** {leads_phrase} with {leader_score} points. {race_phrase} Don't waste your vote: {vote_url}",
	},
	EventMilestone75: {
		"📈 Three quarters in on **{title}**: {voted_count} of {total_count}. {remaining_count} still haven't voted, and you know who you are 👀\n{top_three}\n{vote_url}",
	},
	EventFinalStretch: {
		"⏰ **24 hours left** for **{title}**! {remaining_count} still need to vote. **{leader_name}** {leads_phrase} with {leader_score} points, but it's not over yet. Last chance: {vote_url}",
	},
	EventLastCall: {
		"🚨 **LAST CALL!** **{title}** closes in one hour. {vote_url}\n{top_three}",
	},
	EventAllVoted + ":live": {
		"🙌 Every eligible member has voted on **{title}**: {total_count} out of {total_count}, a clean sweep! The polls stay open until {close_date}; the results come when they close.",
	},
	EventAllVoted: {
		"🙌 Every eligible member has voted: {total_count} out of {total_count}, a clean sweep! The results of **{title}** are in.\n🏆 Your winner: **{first_name}**!\n{top_three}\nFull breakdown: {results_url}",
	},
	EventClosed: {
		"🏆 **{title}**: the results are in! {total_voters} members voted.\n{top_three}\nCongratulations to **{first_name}**! Full breakdown: {results_url}",
		"🏆 That's a wrap on **{title}**. {total_voters} ballots, one champion: **{first_name}**.\n{top_three}\nEverything else: {results_url}",
	},
}

// RenderMessage builds an event's embed title and text. pick chooses the
// variant. Every placeholder is always filled and an unknown event still
// gives text: it never fails.
func RenderMessage(event string, d MessageData, pick func(int) int) (title, text string) {
	key := event
	if event == EventAllVoted && d.Live {
		key = EventAllVoted + ":live"
	}
	title = "📣 " + d.Title
	if (event == EventClosed || event == EventAllVoted) && !d.Live {
		title = "🏆 " + d.Title
	}
	pool := messageTemplates[key]
	if len(pool) == 0 {
		return title, fmt.Sprintf("[%s] %+v", event, d)
	}
	i := 0
	if pick != nil && len(pool) > 1 {
		i = pick(len(pool))
		if i < 0 || i >= len(pool) {
			i = 0
		}
	}
	return title, strings.TrimSpace(d.replacer().Replace(pool[i]))
}

func (d MessageData) place(i int) (string, string) {
	if i < len(d.Standings) {
		return d.Standings[i].Name, strconv.Itoa(d.Standings[i].Score)
	}
	return "Unknown", "0"
}

func (d MessageData) replacer() *strings.Replacer {
	n1, s1 := d.place(0)
	n2, s2 := d.place(1)
	n3, s3 := d.place(2)
	var top []string
	for i, medal := range []string{"🥇", "🥈", "🥉"} {
		if i < len(d.Standings) {
			top = append(top, fmt.Sprintf("%s %s: %d pts", medal, d.Standings[i].Name, d.Standings[i].Score))
		}
	}
	topThree := strings.Join(top, "\n")
	if topThree == "" {
		topThree = "No points on the board yet."
	}
	picks := "your top 3 picks"
	switch {
	case d.Picks == 1:
		picks = "your single pick"
	case d.Picks > 1:
		picks = fmt.Sprintf("your top %d picks", d.Picks)
	}
	return strings.NewReplacer(
		"{title}", d.Title, "{description}", d.Description, "{vote_url}", d.VoteURL,
		"{results_url}", d.ResultsURL, "{close_date}", d.CloseDate,
		"{voted_count}", strconv.Itoa(d.Voted), "{total_count}", strconv.Itoa(d.Total),
		"{remaining_count}", strconv.Itoa(d.Remaining), "{total_voters}", strconv.Itoa(d.TotalVoters),
		"{first_name}", n1, "{first_score}", s1, "{second_name}", n2, "{second_score}", s2,
		"{third_name}", n3, "{third_score}", s3, "{leader_name}", n1, "{leader_score}", s1,
		"{new_leader}", d.NewLeader, "{new_score}", strconv.Itoa(d.NewScore),
		"{old_leader}", d.OldLeader, "{old_score}", strconv.Itoa(d.OldScore),
		"{top_three}", topThree, "{picks_phrase}", picks,
		"{race_phrase}", d.racePhrase(), "{leads_phrase}", d.leadsPhrase(),
	)
}

// racePhrase is the guide's dynamic commentary: a tight race when the top
// two are within 2 points, a runaway at 5 or more.
func (d MessageData) racePhrase() string {
	if len(d.Standings) < 2 {
		return ""
	}
	gap := d.Standings[0].Score - d.Standings[1].Score
	switch {
	case gap <= 2:
		return "It's neck and neck, anyone's game!"
	case gap >= 5:
		return "That's starting to look like a runaway."
	}
	return ""
}

func (d MessageData) leadsPhrase() string {
	if len(d.Standings) < 2 {
		return "leads"
	}
	gap := d.Standings[0].Score - d.Standings[1].Score
	switch {
	case gap <= 1:
		return "clings to the lead"
	case gap >= 5:
		return "sits comfortably at #1"
	}
	return "holds the top spot"
}

package main

import (
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMailDrop: the simulator's mail server records every accepted
// message, a second arrival of the same one included (a pickup folder
// would overwrite it); a message from no tenant's sender is stray; a
// malformed message or one whose DATA never ended is not recorded.
func TestMailDrop(t *testing.T) {
	ts := defaults(t)
	d, err := newMailDrop(ts)
	require.NoError(t, err)
	t.Cleanup(d.close)
	from := ts[0].Sender.EmailFrom
	notice := func(from, id, app string) []byte {
		return fmt.Appendf(nil, "From: Amt <%s>\r\nTo: anna@example.org\r\nMessage-ID: <%s>\r\nSubject: Bescheid\r\n\r\nAntrag %s\r\n", from, id, app)
	}
	send := func(from string, msg []byte) error {
		return smtp.SendMail(d.Addr(), nil, from, []string{"anna@example.org"}, msg)
	}
	require.NoError(t, send(from, notice(from, "ev1@portal", "saarbruecken-000000000001")))
	require.NoError(t, send(from, notice(from, "ev1@portal", "saarbruecken-000000000001")), "redelivery")
	require.NoError(t, send(from, notice(from, "ev2@portal", "saarbruecken-000000000002")))
	require.NoError(t, send("x@elsewhere.example", notice("x@elsewhere.example", "ev3@portal", "saarbruecken-000000000003")))
	require.Error(t, send(from, []byte("no header block at all")), "malformed")

	// A sender killed in the middle of DATA: nothing accepted.
	c, err := net.Dial("tcp", d.Addr())
	require.NoError(t, err)
	tp := textproto.NewConn(c)
	_, _, err = tp.ReadResponse(220)
	require.NoError(t, err)
	for _, cmd := range []struct {
		line string
		code int
	}{{"HELO x", 250}, {"MAIL FROM:<" + from + ">", 250}, {"RCPT TO:<anna@example.org>", 250}, {"DATA", 354}} {
		id, err := tp.Cmd("%s", cmd.line)
		require.NoError(t, err)
		tp.StartResponse(id)
		_, _, err = tp.ReadResponse(cmd.code)
		tp.EndResponse(id)
		require.NoError(t, err, cmd.line)
	}
	_, err = c.Write(notice(from, "ev4@portal", "saarbruecken-000000000004"))
	require.NoError(t, err)
	require.NoError(t, c.Close())
	require.NoError(t, send(from, notice(from, "ev5@portal", "saarbruecken-000000000005")), "after the abort")

	assert.Equal(t, []noticeArrival{
		{MessageID: "<ev1@portal>", App: "saarbruecken-000000000001"},
		{MessageID: "<ev1@portal>", App: "saarbruecken-000000000001"},
		{MessageID: "<ev2@portal>", App: "saarbruecken-000000000002"},
		{MessageID: "<ev5@portal>", App: "saarbruecken-000000000005"},
	}, d.notices(ts[0].ARS))
	assert.Empty(t, d.notices(ts[1].ARS))
	assert.Equal(t, 1, d.strays())
	assert.True(t, d.has("saarbruecken-000000000002"))
	assert.False(t, d.has("saarbruecken-000000000003"), "stray")
	assert.False(t, d.has("saarbruecken-000000000004"), "DATA never ended")
}

// noticeRecorder records what checkNotices reports.
type noticeRecorder struct{ errors, logs int }

func (r *noticeRecorder) Errorf(string, ...any) { r.errors++ }
func (r *noticeRecorder) Logf(string, ...any)   { r.logs++ }

// TestCheckNotices: the rule of the SIGKILL and load tests. One
// committed notice per application; the same notice again is a reported
// redelivery; a missing notice, a second different notice, a notice for
// no paid application or without a Message-ID fails.
func TestCheckNotices(t *testing.T) {
	tn := defaults(t)[0]
	want := []string{"saarbruecken-000000000001", "saarbruecken-000000000002"}
	n1 := noticeArrival{MessageID: "<ev1@p>", App: want[0]}
	n2 := noticeArrival{MessageID: "<ev2@p>", App: want[1]}
	for name, tc := range map[string]struct {
		arrivals     []noticeArrival
		fails, notes bool
	}{
		"exact":               {arrivals: []noticeArrival{n1, n2}},
		"redelivered":         {arrivals: []noticeArrival{n1, n2, n1}, notes: true},
		"missing":             {arrivals: []noticeArrival{n1}, fails: true},
		"none":                {fails: true},
		"two different":       {arrivals: []noticeArrival{n1, n2, {MessageID: "<ev9@p>", App: want[0]}}, fails: true},
		"unpaid application":  {arrivals: []noticeArrival{n1, n2, {MessageID: "<ev9@p>", App: "saarbruecken-000000000009"}}, fails: true},
		"no application":      {arrivals: []noticeArrival{n1, n2, {MessageID: "<ev9@p>"}}, fails: true},
		"no Message-ID":       {arrivals: []noticeArrival{n1, {App: want[1]}}, fails: true},
		"redelivered missing": {arrivals: []noticeArrival{n1, n1}, notes: true, fails: true},
	} {
		t.Run(name, func(t *testing.T) {
			var r noticeRecorder
			checkNotices(&r, tn, want, tc.arrivals)
			assert.Equal(t, tc.fails, r.errors > 0, "errors %d", r.errors)
			assert.Equal(t, tc.notes, r.logs > 0, "logs %d", r.logs)
		})
	}
}

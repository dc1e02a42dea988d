package acquire

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/carbonbudget/carbonbudget/internal/durable"
)

// DefaultURSHost is NASA Earthdata's login host.
const DefaultURSHost = "urs.earthdata.nasa.gov"

// fetchEarthdata downloads from an Earthdata archive (LP DAAC for MODIS
// and VIIRS), which redirects an unauthenticated request to the Earthdata
// login host; there the netrc's login and password are sent as Basic auth
// (to that host only, and only over HTTPS unless URSHost names another
// login host, as tests do),
// and the login redirects back with a session cookie kept in a jar. This
// is the flow NASA documents for wget and curl with ~/.netrc.
func (f *Fetcher) fetchEarthdata(ctx context.Context, j Job) (Result, error) {
	urs := cmpOr(f.URSHost, DefaultURSHost)
	login, password, err := netrcLogin(f.Netrc, hostOnly(urs))
	if err != nil {
		return Result{}, j.fail("", err)
	}
	jar, _ := cookiejar.New(nil)
	client := *f.Client
	client.Jar = jar
	client.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		if req.URL.Host == urs && (req.URL.Scheme == "https" || f.URSHost != "") {
			req.SetBasicAuth(login, password)
		} else {
			req.Header.Del("Authorization") // never to the archive or elsewhere
		}
		return nil
	}
	return f.fetchHTTP(ctx, j, j.expand(j.Spec.URL), &client, func(r *http.Request) {
		if r.URL.Host == urs {
			r.SetBasicAuth(login, password)
		}
	})
}

func hostOnly(h string) string {
	if i := strings.LastIndex(h, ":"); i > 0 && !strings.Contains(h[i:], "]") {
		return h[:i]
	}
	return h
}

// netrcLogin reads the login and password of machine host from the netrc
// file at path ("": ~/.netrc, or $NETRC).
func netrcLogin(path, host string) (login, password string, err error) {
	if path == "" {
		path = os.Getenv("NETRC")
	}
	if path == "" {
		home, _ := os.UserHomeDir()
		path = filepath.Join(home, ".netrc")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", "", fmt.Errorf("no Earthdata credentials: write 'machine %s login USER password PASS' to %s: %w", host, path, err)
	}
	var fields []string
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for sc.Scan() {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		fields = append(fields, strings.Fields(line)...)
	}
	in := false
	for i := 0; i+1 < len(fields); i++ {
		switch fields[i] {
		case "machine":
			in = fields[i+1] == host
			i++
		case "default":
			in = login == ""
		case "login":
			if in {
				login = fields[i+1]
			}
			i++
		case "password":
			if in {
				password = fields[i+1]
			}
			i++
		}
	}
	if login == "" || password == "" {
		return "", "", fmt.Errorf("no Earthdata credentials: %s has no login and password for machine %s", path, host)
	}
	return login, password, nil
}

// fetchCommand runs the source's official tool (the Copernicus Marine
// toolbox's 'copernicusmarine subset', say) with {out} set to the
// temporary path, then checks and renames what it wrote, as a download.
func (f *Fetcher) fetchCommand(ctx context.Context, j Job) (Result, error) {
	argv := make([]string, len(j.Spec.Command))
	part := partPath(j.Dest)
	defer os.Remove(part)
	os.Remove(part)
	for i, a := range j.Spec.Command {
		argv[i] = strings.ReplaceAll(j.expand(a), "{out}", part)
	}
	bin, err := exec.LookPath(argv[0])
	if err != nil {
		return Result{}, j.fail("", fmt.Errorf("command %q is not installed (%w); install the provider's tool or fetch the file by hand", argv[0], err))
	}
	cmd := exec.CommandContext(ctx, bin, argv[1:]...)
	var stderr strings.Builder
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	if err := cmd.Run(); err != nil {
		msg := stderr.String()
		if len(msg) > 2000 {
			msg = msg[len(msg)-2000:]
		}
		return Result{}, j.fail("", fmt.Errorf("%s: %w: %s", argv[0], err, strings.TrimSpace(msg)))
	}
	if _, err := os.Stat(part); err != nil {
		return Result{}, j.fail("", fmt.Errorf("%s exited 0 but wrote no file at {out}", argv[0]))
	}
	return f.accept(j, "command:"+argv[0], part, "", "", "")
}

// fetchLocal takes a file dropped in Spec.Dir (named by Spec.URL, default
// Dest's base name) once it has stopped changing for StableFor, copying it
// into place; an unchanged file is not copied again.
func (f *Fetcher) fetchLocal(ctx context.Context, j Job) (Result, error) {
	name := cmpOr(j.expand(j.Spec.URL), filepath.Base(j.Dest))
	src := filepath.Join(j.Spec.Dir, name)
	fi, err := os.Stat(src)
	if notExist(err) {
		return Result{}, j.fail(src, fmt.Errorf("%s is not in the drop directory: %w", name, ErrNotAvailable))
	}
	if err != nil {
		return Result{}, j.fail(src, err)
	}
	if age := f.Now().Sub(fi.ModTime()); age < f.StableFor {
		return Result{}, j.fail(src, fmt.Errorf("%s changed %v ago, still arriving: %w", name, age.Round(1e9), ErrNotAvailable))
	}
	sum, size, err := durable.FileSHA256(src)
	if err != nil {
		return Result{}, j.fail(src, err)
	}
	if st, ok := f.loadState(j.Dest); ok && st.SHA256 == sum {
		return Result{URL: st.URL, NotModified: true, Fetched: st.Fetched, Size: size, SHA256: sum}, nil
	}
	part := partPath(j.Dest)
	defer os.Remove(part)
	if err := copyFile(ctx, src, part); err != nil {
		return Result{}, j.fail(src, err)
	}
	return f.accept(j, "file://"+src, part, "", fi.ModTime().UTC().Format(http.TimeFormat), "")
}

func copyFile(ctx context.Context, src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, readerCtx{ctx, in})
	return errors.Join(err, out.Close())
}

// readerCtx stops a copy when ctx ends.
type readerCtx struct {
	ctx context.Context
	r   io.Reader
}

func (r readerCtx) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	return r.r.Read(p)
}

package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"testing"
)

// apiClient is a program calling the example's JSON API with a cookie
// jar, as the page does.
type apiClient struct {
	t    *testing.T
	base string
	http *http.Client
}

func newAPIClient(t *testing.T, srv *testServer) *apiClient {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &apiClient{t: t, base: srv.url, http: &http.Client{Jar: jar}}
}

// request sends a request and returns the response (body read) and body.
func (c *apiClient) request(method, path string, body []byte, header http.Header) (*http.Response, []byte) {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(c.t.Context(), method, c.base+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return res, b
}

// expect sends a request and fails the test unless the status is want.
func (c *apiClient) expect(method, path string, body []byte, want int) []byte {
	c.t.Helper()
	res, b := c.request(method, path, body, nil)
	if res.StatusCode != want {
		c.t.Fatalf("%s %s: status %d, want %d; body %s", method, path, res.StatusCode, want, b)
	}
	return b
}

// post sends v as JSON.
func (c *apiClient) post(path string, v any, want int) []byte {
	c.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.expect(http.MethodPost, path, b, want)
}

// postRaw sends body as it is.
func (c *apiClient) postRaw(path string, body []byte, want int) []byte {
	c.t.Helper()
	return c.expect(http.MethodPost, path, body, want)
}

// errorCode decodes an error answer and returns its code.
func errorCode(t *testing.T, body []byte) string {
	t.Helper()
	var e apiError
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("error answer %q is not JSON: %v", body, err)
	}
	return e.Code
}

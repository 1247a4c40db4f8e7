package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/mallihaku/mallihaku/search"
)

// queryErrorView is a query that cannot be run, said in the page's language with what to
// change.
type queryErrorView struct{ Title, Text string }

// queryErrorPage answers a search the user can fix with the search page itself: the search
// box holding what they wrote, the filters kept for the next try, and what is wrong in the
// page's language (400).
func (s *server) queryErrorPage(c *gin.Context, params url.Values, err error) error {
	v := searchView{page: newPage(c), Query: params.Get("q")}
	lang := v.Lang
	v.Title = tr(lang, "bad_query")
	v.QueryError = &queryErrorView{Title: tr(lang, "bad_query"), Text: queryErrorText(lang, err)}
	for _, key := range pageSorts {
		v.Sorts = append(v.Sorts, option{Value: key, Label: tr(lang, "sort_"+key), Selected: key == params.Get("sort") || (params.Get("sort") == "" && key == "relevance")})
	}
	for _, key := range slices.Sorted(mapKeys(params)) {
		if _, filter := search.FacetByKey(key); filter || key == "lang" {
			for _, val := range params[key] {
				v.Hidden = append(v.Hidden, param{key, val})
			}
		}
	}
	// An error is not the version of anything: it gets no validators.
	c.Writer.Header().Del("ETag")
	c.Writer.Header().Del("Last-Modified")
	return render(c, s.pages["search"], http.StatusBadRequest, v)
}

// queryErrorText says what is wrong with a query and what to change, from its code, with the
// user's own word where the code has one.
func queryErrorText(lang string, err error) string {
	var qe *search.QueryError
	if !errors.As(err, &qe) {
		return tr(lang, "err_bad_query")
	}
	key := "qerr_" + qe.Code
	msg, ok := catalog["fi"][key]
	if !ok {
		return tr(lang, "err_bad_query")
	}
	if !strings.Contains(msg, "%[") {
		return tr(lang, key)
	}
	return tr(lang, key, qe.Word, qe.Limit)
}

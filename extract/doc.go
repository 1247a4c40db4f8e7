// Package extract reads one practice-model page, an HTML page or a plain-text rendering of
// one, into a practice.Model. It turns the page into the text blocks a person reads and finds
// the site profile's labelled fields among them, so it does not depend on one exact markup;
// its Report says which labels were found, which are missing and which values it could not
// read. A model's development-path sub-page is read into its sections (PathHTML), and a
// programme's page into a practice.Programme (ProgrammeHTML), without personal contacts. It
// does no I/O: the crawler fetches the pages and hands them over.
package extract

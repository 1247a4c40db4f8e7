// Package practice is mallihaku's domain: Model, one practice model (toimintamalli) as a clean
// document, and the normalisers that make one from the values written on a page: dates, the
// development phase, and regions mapped onto the Finnish hierarchy of maakunta, hyvinvointialue
// and kunta. It does no I/O; its region facts are embedded.
package practice

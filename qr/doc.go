// Package qr turns a venue code into the QR symbol printed on Waymark
// posters, and renders it as SVG (for print and inline HTML) or PNG.
//
// The flow is Payload → Encode → Symbol.SVG / Symbol.PNG; Cache wraps the
// whole flow for HTTP handlers so that a warm request does no encoding.
//
// Posters hang in stations and on buses, often scuffed and photographed at an
// angle, so the defaults favour robust scanning: error correction level Q
// (skip2's qrcode.High), a full 4-module quiet zone, and upper-case payloads
// that fit the denser alphanumeric mode and hence a smaller symbol.
package qr

"""Plain text dumps of form PDFs (pdftotext, PyMuPDF, pdfminer … in any of their modes), read on the form spec."""

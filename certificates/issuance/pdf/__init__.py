"""The printable A4 certificate (PDF): ``certificate_pdf_render`` turns the document into its pages."""

from certificates.issuance.pdf.form import certificate_pdf_render

__all__ = ["certificate_pdf_render"]

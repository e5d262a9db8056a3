"""The certificate as a W3C Verifiable Credential: vc+jwt, did:web documents, the status list."""

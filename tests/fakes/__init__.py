"""In-process fakes of the services why401 talks to, served on loopback for end-to-end tests."""

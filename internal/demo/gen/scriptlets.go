package gen

// scriptletFiles are the files a package's install scriptlets create: most of
// them are the package's own %ghost entries, which rpm lists but does not
// unpack (alternatives links, extracted CA bundles, yum's uuid).
func scriptletFiles(pkgName string) []entry {
	link := func(p, target string) entry { return entry{path: p, kind: kindSymlink, mode: 0o777, link: target} }
	file := func(p string, size int64) entry { return entry{path: p, kind: kindFile, mode: 0o644, size: size} }
	text := func(p, s string) entry {
		return entry{path: p, kind: kindFile, mode: 0o644, content: []byte(s), size: int64(len(s))}
	}
	switch pkgName {
	case "binutils": // alternatives --install /usr/bin/ld ld /usr/bin/ld.{bfd,gold} {50,30}
		return []entry{
			link("/usr/bin/ld", "/etc/alternatives/ld"),
			link("/etc/alternatives/ld", "/usr/bin/ld.bfd"),
			text("/var/lib/alternatives/ld", "auto\n/usr/bin/ld\n\n/usr/bin/ld.bfd\n50\n/usr/bin/ld.gold\n30\n"),
		}
	case "nss": // alternatives for the PKCS#11 trust module, provided by p11-kit-trust
		return []entry{
			link("/usr/lib64/libnssckbi.so", "/etc/alternatives/libnssckbi.so.x86_64"),
			link("/etc/alternatives/libnssckbi.so.x86_64", "/usr/lib64/pkcs11/p11-kit-trust.so"),
			text("/var/lib/alternatives/libnssckbi.so.x86_64", "auto\n/usr/lib64/libnssckbi.so\n\n/usr/lib64/pkcs11/p11-kit-trust.so\n30\n"),
		}
	case "ca-certificates": // update-ca-trust extract
		return []entry{
			file("/etc/pki/ca-trust/extracted/java/cacerts", 163_935),
			file("/etc/pki/ca-trust/extracted/openssl/ca-bundle.trust.crt", 233_637),
			file("/etc/pki/ca-trust/extracted/pem/email-ca-bundle.pem", 168_894),
			file("/etc/pki/ca-trust/extracted/pem/objsign-ca-bundle.pem", 190_434),
			file("/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", 218_646),
		}
	case "yum": // yum writes its instance uuid on first run
		return []entry{text("/var/lib/yum/uuid", "4b7f6c1e-2d9a-4c39-9a3e-5d1b8f0e7a62\n")}
	case "setup": // login accounting file, touched by %post
		return []entry{file("/var/log/lastlog", 0)}
	}
	return nil
}

// addScriptletFiles adds the scriptlet output of every package in pkgs.
func addScriptletFiles(t *layerTree, pkgs []*rpmPackage) error {
	for _, p := range pkgs {
		for _, e := range scriptletFiles(p.info.Name) {
			if err := t.add(e); err != nil {
				return err
			}
		}
	}
	return nil
}

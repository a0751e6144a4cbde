
ðnetwork-security-config*
    *º
±domain-config"+cleartextTrafficPermittedtrue"2:@*	
        4*Q
Idomain"#includeSubdomainstrue"2:@*legacy.example.com)*
    D*	

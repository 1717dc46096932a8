/// RSA keys for tests of GitHub App authentication: made with `openssl genrsa -traditional 2048` for
/// these tests only. They sign nothing anywhere else; never use them for anything real.
public enum TestAppKeys {
    /// The App's first private key, PKCS#1 PEM as GitHub hands it out.
    public static let first = """
        -----BEGIN RSA PRIVATE KEY-----
        MIIEpAIBAAKCAQEAo1iM76fviYlNqseCdd/Bg2uNeYLnbrikOG6XlAQxEYwLfVyl
        PdzAal73nA9TYpDEq0hutuGJOX/xcxb6X3okWaOwwmvth+pOkmav1IgtlTxbKNue
        llA8l1Jg5ZfKDlNA75L6+R3CZd1aIgFA9mnGV2fwSOQanhWx7WUSaJwuKeZTfxVj
        cqFAm5+AbUyLUr8QTjr1bRTAckT1af9sizsOXDKIDXdQwNpLXEXCzOWO7+uTKoqV
        bOZ+OnSR68FPoJZ27doqju4oGTqFvZWOOKsJ5fIqp4BwMopn/dKk0IOV72wCHlqn
        J2ofFiuYYJbGUTntOFU82h9InKlVHX9yyTLrsQIDAQABAoIBAA4Tw5Gj13Dy9E6T
        gxrFfdflnPur3GYeY4i5fzayZcgtWZAkO9lo/Owt4wkACR+lek2IoIICTeE2tYhF
        oq43yIoxITqgMohUGRFk6CJY2hTSbsjGpJQvtgkUgGVI/5Dce+wprpdpiSdePDZS
        BVc3JnDB9GNTxTd6hyr+WufJDfFuVMyvGk6+JciAb2Va36ybQ9+e+HAmtNRQ5Bcs
        rxCBn40kz8QR5sQqzOITpCUn1fMA4WkTKLTlmAPgcLUXMw/73Yxm8mxQj3kYe8DL
        58wBs9SiGMUKQxw84tcRqn0rnGlrpUPudQCfAyYMElNuxX7per4o9DiwxNfpri0X
        V89zNAECgYEA2/JPdR5Yf5ILXeMAASKV6xXWNIwOf3GFM9eO8a23XUJEm0rnftqW
        b70t1pI7iavxYL0KMuvA//DYBcrknqVHZzrUlzIiekqWjetJRdfDB8BvP4AAIcMi
        MQcq9NjREm1ca2tlCVbjDJaeK7UG0eFcMThuptmvFbuSICE8MrYZ6kkCgYEAvh8W
        1n6wQRlAYKVkPm1O1a2/w9HVcF4KzBWq8HohD29OhKbtmzvE5ep95U2zq5K3RwH2
        g3/F571DI3Jz5CVrdNq0Z7OvlimoGXxgMv0fIcTKG2uIo7c0CovYNLv0Et8/gyMy
        2sYxU4m9olu9PRAvPuqzto/N3OkiiM2ZVBKZNikCgYEArn3xLbBSc3rQy75gbYYb
        u/KKCwwmIFNWYsebnv67XyBIv47QU2JlQOar6/P9if5ANAglhDpm1mYja40IjRgA
        qtQQfpcGpVBxWswUSHWhQ5AWciFBeYeOo6jVGoS8cUsTrCD6ektVO9JuT6yBaZbJ
        hj8IAhTnA23Ywua7FFxF+QkCgYBJG4lbp9G85qnjwBWhD8Vd03dHJHwvvmnmenqG
        CGCIH+QQjGQX6k7XnmkU8OEjG8LQUkfp3wtKBnQ3wD4iP+VnROZUbjsZwiD60+Hm
        GYGMKbESBDLByaQAXjAgbxn229P/aFyY1deH6RJ7yU0mmv+f8P50OC4QQbHe6ziH
        pLM3qQKBgQCQvZspSTPVuDX2WwwaFPG2eAtpul8vTEGbmew/A+tcSl3IgUbM+3yw
        N20bpteKcjq7axGhAfxyU4m3cUvK27hz9B4DBiKQGS5pt1Qz0B0dhq7gnV2zmUmG
        XGL3RcnQRiuTcU/fYY4s06S40v/KYLudqGLZqhRiYihhRvt4aJicyg==
        -----END RSA PRIVATE KEY-----
        """

    /// The public half of ``first`` (SubjectPublicKeyInfo PEM), which the fake GitHub checks JWTs with.
    public static let firstPublic = """
        -----BEGIN PUBLIC KEY-----
        MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAo1iM76fviYlNqseCdd/B
        g2uNeYLnbrikOG6XlAQxEYwLfVylPdzAal73nA9TYpDEq0hutuGJOX/xcxb6X3ok
        WaOwwmvth+pOkmav1IgtlTxbKNuellA8l1Jg5ZfKDlNA75L6+R3CZd1aIgFA9mnG
        V2fwSOQanhWx7WUSaJwuKeZTfxVjcqFAm5+AbUyLUr8QTjr1bRTAckT1af9sizsO
        XDKIDXdQwNpLXEXCzOWO7+uTKoqVbOZ+OnSR68FPoJZ27doqju4oGTqFvZWOOKsJ
        5fIqp4BwMopn/dKk0IOV72wCHlqnJ2ofFiuYYJbGUTntOFU82h9InKlVHX9yyTLr
        sQIDAQAB
        -----END PUBLIC KEY-----
        """

    /// A second private key of the same App, for rotation.
    public static let second = """
        -----BEGIN RSA PRIVATE KEY-----
        MIIEogIBAAKCAQEAyFdA454H/syh0zc4pDzvrdg+CHk/KufviTfqyx6/7Y7vZYwx
        1VesMk9UdeMTwHcmWsnylkktpTnTJ4YQi/JbhXcuaxi+Mv3Dy37itONWlTYF7uBw
        rjxNGSYgtZB2SbadbFXDyKL8JVuzBNIR9gH+B/z24sdDR8yzi5P+X3T7hFNMP0n9
        u4VybO09JJsA1U1vbVxgLvMDCHQXQQVXsPhGyZsp1mf1cAj02tVqc2NcSiuHxzZN
        5JvO48j8lKkfXxR065m31s5fZHB1FT6a2SI3mGQBiCd0uPq+SaUWmPl2v1sngWaa
        nw81KKeYPeWTSaCYDcTYe1UKybh6Kwh5+N18hwIDAQABAoIBADiwW+eskYWbgNUE
        BK6QoZ+XF2KNcH7jF2hEHtewEU4Wyo35ACbmwo6P3Q3one+xp3Q8Pb0h4t0kgifm
        ays2fohDI6rhWvyRywP7mQnnZFofaclgz/G1lXlezRWjVZ1hI6WClT5iRCgMDRl5
        meR7Rtca0P91tAeOmGWQEIQRVZRo/uLUyU3vnMRxh6SUHBRx/nTpN3ou1QvIYkxi
        GVcXZ4AIMfo2/BkJEjRDmyKyhxgmB3t3tqvLaRR+kAxCTtMDwg1o/HNoavCYxI8a
        onqQdoP+J9go4MJ1CzIhvejTL7olhz18om/6iCjXIUhkWCxhUyC2/Xi50ZuYSTD6
        FC9GvRkCgYEA+TzohPjPed4ofX3O2RUsdAXbmUKEI3EQhKbYDTfXkx46lBWmw369
        hhhgtwEafi5N1hYNvM19HQPkE8fAUDks5GeUdkfGDgub/fYdM4s/dRW0YR5hi9Mx
        dSHnktcHlxg27pWUghMyv+llHo8QylabTg1bbTlERfWe+t9ZuPlX8akCgYEAzca6
        gn1ilpCSpoMGtJdsw5DdwLZ+f0EQCirZ0zSVmSNIGG3ITpuLe5tpfjRlbqlgJWVF
        jfhpDiHbjmAqWHON8aSM9SF+mte4IRC3POTHMqAbtlSg0yFF7Pjt/TPy9OMAcv8+
        21I78Va1sakQ5XWstGLvDx22wg/XMlE/wy5nOq8CgYAtKC3wuavNpsSrR/oMNtvh
        AZayA+0xBrE5d4k5i96RFy8B2ZJnZTUtcIlFXvvP1M/hdAl1Jb3/Xc8bDlv3rQRH
        NcUeUQ6/SLcwokDUL+yFaDNQTVLbJJ6XXFc6sZ78bzS0sYFAt/2/66eYi888+cgV
        sjHYbkHCcygkyAbXjsWyUQKBgEvf3AOjggesdTaKl51dPFB8CRg28juv3N8y37Cd
        8g9OUBYZ3MMHXY4NRv+vCDuenoILbnMjxnDckR1VXifRK+SO3R7B4/HqWs1uYXJF
        lSGYob9AQzC2UxdGzlIPpqUfUpoUfbPXBZ0+cK56fW1uT2kQFb/IIAw8VQgLp2wr
        nwqnAoGAIgmhG8lFwwvFxedE9TcNsQD3CFIDVCZj6B/oKTtiYNlYXhE3ePTpiTbJ
        5D9ZeWhu6NI+gM4EXWtGwf0Sc1NXgFTX4d326roY5a5nfy+R58zpRMUU2Kn7N3wr
        1VKGlSOwxYFDrICE1JZYf4pu1YlWGD2OqXWBNBofpKE6uBOyo3M=
        -----END RSA PRIVATE KEY-----
        """

    /// The public half of ``second``.
    public static let secondPublic = """
        -----BEGIN PUBLIC KEY-----
        MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAyFdA454H/syh0zc4pDzv
        rdg+CHk/KufviTfqyx6/7Y7vZYwx1VesMk9UdeMTwHcmWsnylkktpTnTJ4YQi/Jb
        hXcuaxi+Mv3Dy37itONWlTYF7uBwrjxNGSYgtZB2SbadbFXDyKL8JVuzBNIR9gH+
        B/z24sdDR8yzi5P+X3T7hFNMP0n9u4VybO09JJsA1U1vbVxgLvMDCHQXQQVXsPhG
        yZsp1mf1cAj02tVqc2NcSiuHxzZN5JvO48j8lKkfXxR065m31s5fZHB1FT6a2SI3
        mGQBiCd0uPq+SaUWmPl2v1sngWaanw81KKeYPeWTSaCYDcTYe1UKybh6Kwh5+N18
        hwIDAQAB
        -----END PUBLIC KEY-----
        """
}
